// Adapts one webview panel to its PanelSession: VS Code's webview, storage, pickers and commands behind the session's ports.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import { modelPriceText } from '../common/wording';
import { defaultOptions, fitSettings, outputFolderFor } from '../platform/config';
import type { Services } from '../platform/services';
import { DRAFT_KEY } from '../panel/draft';
import { uncoveredFolders } from '../panel/resourceRoots';
import { PanelSession } from '../panel/session';
import type { PanelState } from '../protocol/messages';
import { setApiTokenCommand } from '../commands/apiToken';
import { cancelCommand } from '../commands/cancel';
import type { CommandContext } from '../commands/context';
import { copyRequestIdCommand, retryDownloadCommand, revealUri } from '../commands/resultActions';
import { confirmDeletePreset } from '../ui/confirmDeletePreset';
import { confirmRepeat } from '../ui/confirmRepeat';
import { pickImages } from '../ui/imagePicker';
import { importIntoOutputFolder } from './importImage';
import { panelHtml } from './panelHtml';

/** Job changes come in bursts (state, save, files); one update per animation-sized window is enough. */
const JOBS_THROTTLE_MS = 50;

/**
 * What the panel's page may load: the extension's shipped files and pictures, the workspace's folders (where images
 * and results usually are), then `folders`.
 */
export function panelResourceRoots(extensionUri: vscode.Uri, folders: readonly string[] = []): vscode.Uri[] {
  const workspace = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri);
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media'), ...workspace, ...folders.map((f) => vscode.Uri.file(f))];
}

export class PanelController extends Disposable {
  private readonly session: PanelSession;
  private jobsTimer: NodeJS.Timeout | undefined;
  /** The resource roots the webview has now. */
  private roots: vscode.Uri[];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly services: Services,
    initialImages: readonly vscode.Uri[] = [],
    savedView?: PanelState['view'],
  ) {
    super();
    this.roots = [...(panel.webview.options.localResourceRoots ?? [])];
    const { jobs, logger, tokens } = services;
    // These run the commands' handlers over this panel's own services: the jobs and the token it shows live there.
    const commands: CommandContext = { extension: context, services };
    this.session = new PanelSession(
      {
        logger,
        deliver: (message) => void panel.webview.postMessage(message),
        storedDraft: () => context.workspaceState.get<unknown>(DRAFT_KEY),
        storeDraft: (draft) => void context.workspaceState.update(DRAFT_KEY, draft),
        defaults: () => defaultOptions(),
        uri: (filePath) => panel.webview.asWebviewUri(vscode.Uri.file(filePath)).toString(),
        exists: fs.existsSync,
        setResourceFolders: (folders) => this.setRoots(folders),
        jobs: {
          list: () => jobs.list(),
          get: (id) => jobs.get(id),
          submit: ({ refs, prompt, options, confirmed }) => {
            const firstFile = refs.find((r) => r.kind === 'file');
            const place = outputFolderFor(firstFile?.kind === 'file' ? vscode.Uri.file(firstFile.path) : undefined);
            const fit = fitSettings(firstFile?.kind === 'file' ? vscode.Uri.file(firstFile.path) : undefined);
            return jobs.submitInteractive({ refs, prompt, options, fit, ...place }, confirmRepeat, { confirmed });
          },
          planImageFile: (ref) => jobs.planImageFile(ref, fitSettings(vscode.Uri.file(ref.path))),
          checkUrl: (url) => jobs.checkUrl(url),
          userMessageOf: (error) => jobs.userMessageOf(error),
          spending: () => services.spending.totals(),
        },
        hasToken: async () => !!(await tokens.get()),
        library: services.library,
        importImage: (item) => importIntoOutputFolder(item, jobs),
        filePathOf: (value) => toFileUri(value)?.fsPath,
        actions: {
          pickImages: () => pickImages(),
          setToken: () => setApiTokenCommand(commands)(),
          cancel: (requestId) => cancelCommand(commands)(requestId),
          copyRequestId: (requestId) => copyRequestIdCommand(commands)(requestId),
          retryDownload: (jobId) => retryDownloadCommand(commands)(jobId),
          openResult: (filePath) => vscode.commands.executeCommand('runcomfy.openResult', filePath),
          revealResult: (filePath) => revealUri(vscode.Uri.file(filePath)),
          confirmDeletePreset: (name) => confirmDeletePreset(name),
        },
      },
      // The bootstrap HTML should already say whether a token exists, so the panel never flashes "no token".
      { images: initialImages.map((u) => u.fsPath), view: savedView, hasToken: tokens.peek() ?? false },
    );
    panel.webview.html = panelHtml(panel.webview, context.extensionUri, this.session.state());
    this._register(panel.webview.onDidReceiveMessage((raw) => void this.session.receive(raw)));
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(tokens.onDidChange(() => void this.refreshToken()));
    this._register(jobs.onDidChange(() => this.scheduleJobs()));
    this._register(services.library.onDidChange(() => this.session.libraryChanged()));
    // The rest only refreshes what the page shows, and the session holds every message back until the page is ready,
    // which it says once it has painted: started now, this work (the runtime bundle's first load among it) would only
    // compete with that first paint for the machine.
    void this.whenReady().then(() => {
      if (!this.isDisposed) this.refresh();
    });
  }

  private refresh(): void {
    const { jobs, logger } = this.services;
    void this.refreshToken();
    void this.session.inspectAll();
    jobs.ready().then(
      () => {
        if (this.isDisposed) return;
        this.scheduleJobs();
        void jobs.model().then(
          (m) => this.session.setPrice(modelPriceText(m.base_price_usd, m.price_unit)),
          () => undefined,
        );
      },
      (e: unknown) => logger.warn(`[panel] jobs could not be loaded: ${jobs.userMessageOf(e)}`),
    );
  }

  /** Resolves once the panel has painted and said it is ready. */
  whenReady(): Promise<void> {
    return this.session.whenReady();
  }

  addFiles(uris: readonly vscode.Uri[]): void {
    this.session.addFiles(uris.map((u) => u.fsPath));
  }

  /** Every message from the panel arrives here (the session validates it). */
  receive(raw: unknown): Promise<void> {
    return this.session.receive(raw);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (this.jobsTimer) clearTimeout(this.jobsTimer);
    this.session.close();
    super.dispose();
    this.panel.dispose();
  }

  private scheduleJobs(): void {
    if (this.jobsTimer || this.isDisposed) return;
    this.jobsTimer = setTimeout(() => {
      this.jobsTimer = undefined;
      if (!this.isDisposed) this.session.jobsChanged();
    }, JOBS_THROTTLE_MS);
  }

  /**
   * Lets the page read `folders` too. VS Code reloads the page on any change of its options (losing focus, scroll and
   * keystrokes not yet sent), so roots are only added, never taken away, and only when something is not covered yet.
   */
  private setRoots(folders: string[]): void {
    const wanted = panelResourceRoots(this.context.extensionUri, folders);
    const added = uncoveredFolders(
      this.roots.map((root) => root.fsPath),
      wanted.map((root) => root.fsPath),
    );
    if (added.length === 0) return;
    this.roots = [...this.roots, ...added.map((folder) => vscode.Uri.file(folder))];
    this.panel.webview.options = { enableScripts: true, localResourceRoots: this.roots };
  }

  private async refreshToken(): Promise<void> {
    const has = !!(await this.services.tokens.get());
    if (!this.isDisposed) this.session.setHasToken(has);
  }
}

function toFileUri(value: string): vscode.Uri | undefined {
  const v = value.trim();
  if (!v) return undefined;
  try {
    if (/^[a-z][a-z0-9+.-]*:/i.test(v) && !/^[a-z]:[\\/]/i.test(v)) {
      const uri = vscode.Uri.parse(v, true);
      return uri.scheme === 'file' || uri.scheme === 'vscode-remote' ? vscode.Uri.file(uri.path) : undefined;
    }
    return path.isAbsolute(v) ? vscode.Uri.file(v) : undefined;
  } catch {
    return undefined;
  }
}
