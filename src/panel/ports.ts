// What a panel session needs from its host: each a small effect the VS Code adapter (or a test) provides.
import type { EditOptions } from '../api/model';
import type { Logger } from '../common/logger';
import type { ImageFacts, InputProblem, InputRef } from '../jobs/inputChecks';
import type { Job } from '../jobs/job';
import type { ToWebview } from '../protocol/messages';
import type { StoredDraft } from './draft';
import type { ToWebviewUri } from './views';

export interface PanelPorts {
  logger: Logger;
  /** Delivers a message to the webview (after the handshake). */
  deliver(message: ToWebview): void;
  /** The draft as last stored, and where it is stored. */
  storedDraft(): unknown;
  storeDraft(draft: StoredDraft): void;
  defaults(): Required<EditOptions>;
  uri: ToWebviewUri;
  exists: (path: string) => boolean;
  /** The folders the webview may read changed. */
  setResourceFolders(folders: string[]): void;
  jobs: {
    list(): Job[];
    get(id: string): Job | undefined;
    /**
     * A submit on the person's behalf: the same edit again within seconds is asked about first (unless `confirmed`,
     * when they have just agreed to this very submit); undefined when they declined.
     */
    submit(request: { refs: InputRef[]; prompt: string; options: Required<EditOptions>; confirmed?: boolean }): Promise<Job | undefined>;
    inspectImageFile(path: string): Promise<{ facts?: ImageFacts; problems: InputProblem[] }>;
    checkUrl(url: string): InputProblem[];
    userMessageOf(error: unknown): string;
  };
  hasToken(): Promise<boolean>;
  /** Turns a dropped URI or path into a local file path, or undefined for anything else. */
  filePathOf(uriOrPath: string): string | undefined;
  actions: {
    pickImages(): Promise<InputRef[] | undefined>;
    setToken(): PromiseLike<unknown>;
    cancel(requestId: string): PromiseLike<unknown>;
    copyRequestId(requestId: string): PromiseLike<unknown>;
    retryDownload(jobId: string): PromiseLike<unknown>;
    openResult(path: string): PromiseLike<unknown>;
    revealResult(path: string): PromiseLike<unknown>;
  };
}

