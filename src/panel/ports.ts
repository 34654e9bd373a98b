// What a panel session needs from its host: each a small effect the VS Code adapter (or a test) provides.
import type { EditOptions } from '../api/model';
import type { Logger } from '../common/logger';
import type { InputProblem, InputRef } from '../jobs/inputChecks';
import type { FilePlan } from '../jobs/inputs';
import type { Job } from '../jobs/job';
import type { SpendingTotals } from '../jobs/spending';
import type { ToWebview } from '../protocol/messages';
import type { StoredDraft } from './draft';
import type { ImportedBytes } from './importedImages';
import type { LibraryPort } from './library';
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
    /** What one local file will be sent as after fitting (with its own Pad/Crop choice), or why it cannot be. */
    planImageFile(ref: Extract<InputRef, { kind: 'file' }>): Promise<FilePlan>;
    checkUrl(url: string): InputProblem[];
    userMessageOf(error: unknown): string;
    /** Today's and this month's charges; left out where nobody keeps a ledger. */
    spending?(): SpendingTotals;
  };
  hasToken(): Promise<boolean>;
  /** Recent prompts and presets (globalState, synced across machines). */
  library: LibraryPort;
  /** Checks pasted or dropped image bytes and saves them under the output folder's inputs/; the new file's path. */
  importImage(item: ImportedBytes): Promise<string>;
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
    /** Asks before the preset named `name` is deleted; true to delete it. */
    confirmDeletePreset(name: string): PromiseLike<boolean>;
  };
}
