// Drives one panel: the ready handshake, validated messages both ways, the draft, and live jobs and results.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MAX_IMAGES, SIZE_OPTIONS, SizeOption, promptProblem } from '../api/model';
import type { InputRef } from '../jobs/inputs';
import type { JobRecord } from '../jobs/job';
import { defaultOptions, outputFolderFor } from '../platform/config';
import type { Services } from '../platform/services';
import { FromWebview, PanelState, ToWebview, parseMessage } from '../protocol/messages';
import type { Runtime } from '../runtime';
import { setApiTokenCommand } from '../commands/apiToken';
import { cancelCommand } from '../commands/cancel';
import type { CommandContext } from '../commands/context';
import { copyRequestIdCommand, retryDownloadCommand, revealUri } from '../commands/resultActions';
import { pickImages } from '../ui/imagePicker';
import { Draft, loadDraft, moveImage, newImage, saveDraft } from './panelDraft';
import { panelHtml } from './panelHtml';
import { draftView, jobView, panelState, resourceRoots, resultViews } from './panelViews';

const IMAGE_EXT = /\.(png|jpe?g)$/i;

export class PanelController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly draft: Draft;
  private ready = false;
  private readonly readyWaiters: Array<() => void> = [];
  private pending: ToWebview[] = [];
  private runtime: Runtime | undefined;
  private view: PanelState['view'];
  private hasToken = false;
  private price: string | undefined;
  private disposed = false;
  private jobsTimer: NodeJS.Timeout | undefined;
  private roots = '';
  private readonly commandContext: CommandContext;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly services: Services,
    initialImages: readonly vscode.Uri[] = [],
    savedView?: PanelState['view'],
  ) {
    this.commandContext = { extension: context, services };
    this.draft = loadDraft(context.workspaceState, defaultOptions());
    this.view = savedView;
    for (const uri of initialImages) this.addRef({ kind: 'file', path: uri.fsPath });
    this.runtime = services.current;
    // The bootstrap HTML should already say whether a token exists, so the panel never flashes "no token".
    this.hasToken = services.tokens.peek() ?? false;
    this.updateRoots();
    panel.webview.html = panelHtml(panel.webview, context.extensionUri, this.state());
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => void this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      services.tokens.onDidChange(() => void this.refreshToken()),
    );
    void this.refreshToken();
    void this.inspectAll();
    void services.runtime().then((runtime) => this.attach(runtime));
  }

  /** Resolves once the panel has painted and said it is ready. */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  addFiles(uris: readonly vscode.Uri[]): void {
    for (const uri of uris) this.addRef({ kind: 'file', path: uri.fsPath });
    this.draftChanged();
    this.post({ type: 'showView', view: 'compose' });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.jobsTimer) clearTimeout(this.jobsTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  // ---- messages ----

  private post(message: ToWebview): void {
    if (this.disposed) return;
    if (!this.ready) {
      // Before the handshake only the latest full state matters; partial updates are folded into it.
      this.pending = message.type === 'state' ? [message] : [...this.pending, message];
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  /** Every message from the panel arrives here; it is validated first and dropped (logged) when invalid. */
  async receive(raw: unknown): Promise<void> {
    const parsed = parseMessage(FromWebview, raw);
    if (!parsed.ok) {
      this.services.logger.warn(`[panel] dropped an invalid message (${parsed.reason})`);
      return;
    }
    const message = parsed.message;
    try {
      await this.handle(message);
    } catch (e) {
      const text = this.services.helpers().userMessageOf(e);
      this.services.logger.warn(`[panel] ${message.type} failed: ${text}`);
      this.post({ type: 'notice', level: 'error', message: text });
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const pending = this.pending;
        this.pending = [];
        void this.panel.webview.postMessage({ type: 'state', state: this.state() } satisfies ToWebview);
        // The fresh state already holds the latest draft, jobs, results, token and price; only events still matter.
        for (const m of pending) if (m.type === 'notice' || m.type === 'submitted' || m.type === 'showView') void this.panel.webview.postMessage(m);
        for (const w of this.readyWaiters.splice(0)) w();
        return;
      }
      case 'pickImages': {
        const refs = await pickImages();
        if (refs && !this.disposed) {
          for (const ref of refs) this.addRef(ref);
          this.draftChanged();
        }
        return;
      }
      case 'addUrls': {
        for (const url of message.urls) this.addRef({ kind: 'url', url: url.trim() });
        this.draftChanged();
        return;
      }
      case 'dropFiles': {
        const uris = message.uris.map(toFileUri).filter((u): u is vscode.Uri => !!u);
        const images = uris.filter((u) => IMAGE_EXT.test(u.path));
        if (images.length < uris.length) {
          this.post({ type: 'notice', level: 'warning', message: vscode.l10n.t('Only PNG and JPEG files can be used as inputs; other dropped items were ignored.') });
        }
        for (const uri of images) this.addRef({ kind: 'file', path: uri.fsPath });
        this.draftChanged();
        return;
      }
      case 'removeImage':
        this.draft.images = this.draft.images.filter((i) => i.id !== message.id);
        this.draftChanged();
        return;
      case 'moveImage':
        moveImage(this.draft, message.id, message.to);
        this.draftChanged();
        return;
      case 'updateDraft': {
        if (message.prompt !== undefined) this.draft.prompt = message.prompt;
        if (message.size !== undefined && (SIZE_OPTIONS as readonly string[]).includes(message.size)) this.draft.size = message.size as SizeOption;
        if (message.scale !== undefined) this.draft.scale = message.scale;
        if (message.forceSingle !== undefined) this.draft.forceSingle = message.forceSingle;
        void saveDraft(this.context.workspaceState, this.draft);
        return;
      }
      case 'submit':
        await this.submit();
        return;
      // These run the commands' handlers over this panel's own services: the jobs and the token it shows live there.
      case 'setToken':
        await setApiTokenCommand(this.commandContext)();
        return;
      case 'cancelJob': {
        const job = this.job(message.jobId);
        if (job?.requestId) await cancelCommand(this.commandContext)(job.requestId);
        return;
      }
      case 'copyRequestId': {
        // Only a request_id the engine knows is copied, never the panel's internal job id.
        const job = this.job(message.jobId);
        if (job?.requestId) await copyRequestIdCommand(this.commandContext)(job.requestId);
        return;
      }
      case 'retryDownload':
        if (this.job(message.jobId)) await retryDownloadCommand(this.commandContext)(message.jobId);
        return;
      case 'openResult':
        if (this.isKnownResult(message.path)) await vscode.commands.executeCommand('runcomfy.openResult', message.path);
        return;
      case 'revealResult':
        if (this.isKnownResult(message.path)) await revealUri(vscode.Uri.file(message.path));
        return;
      case 'useAsInput':
        if (this.isKnownResult(message.path)) {
          this.addRef({ kind: 'file', path: message.path });
          this.draftChanged();
          this.post({ type: 'showView', view: 'compose' });
        }
        return;
      case 'runAgain':
        await this.runAgain(message.jobId, message.edit);
        return;
      case 'viewChanged':
        this.view = message.view;
        return;
    }
  }

  // ---- actions ----

  private async submit(): Promise<void> {
    const runtime = await this.services.runtime();
    const problem = this.submitProblem();
    if (problem) {
      this.post({ type: 'notice', level: 'error', message: problem });
      return;
    }
    if (!(await this.services.tokens.get())) {
      this.post({ type: 'notice', level: 'error', message: vscode.l10n.t('Set your RunComfy API token first.') });
      return;
    }
    const refs = this.draft.images.map((i) => i.ref);
    const firstFile = refs.find((r) => r.kind === 'file');
    const job = await runtime.submitEdit({
      refs,
      prompt: this.draft.prompt,
      options: { size: this.draft.size, scale: this.draft.scale, forceSingle: this.draft.forceSingle },
      outputDir: outputFolderFor(firstFile && firstFile.kind === 'file' ? vscode.Uri.file(firstFile.path) : undefined),
    });
    this.post({ type: 'submitted', requestId: job.requestId! });
  }

  private submitProblem(): string | undefined {
    const images = this.draft.images;
    if (images.length === 0) return vscode.l10n.t('Add at least one input image.');
    if (images.length > MAX_IMAGES) return vscode.l10n.t('{0} images are in the draft; at most {1} can be sent.', images.length, MAX_IMAGES);
    const broken = images.find((i) => i.problems.length > 0);
    if (broken) return broken.problems[0].message;
    if (images.some((i) => i.checking)) return vscode.l10n.t('The images are still being checked; try again in a moment.');
    return promptProblem(this.draft.prompt);
  }

  private async runAgain(jobId: string, edit: boolean): Promise<void> {
    const job = this.job(jobId);
    if (!job) return;
    const refs: InputRef[] = job.inputs.flatMap((i): InputRef[] => (i.path ? [{ kind: 'file', path: i.path }] : i.url ? [{ kind: 'url', url: i.url }] : []));
    if (refs.length === 0) {
      this.post({ type: 'notice', level: 'error', message: vscode.l10n.t('The inputs of this job are not known (it was resumed by request_id), so it cannot be run again.') });
      return;
    }
    this.draft.images = [];
    for (const ref of refs) this.addRef(ref);
    this.draft.prompt = job.prompt;
    const defaults = defaultOptions();
    this.draft.size = job.options.size ?? defaults.size;
    this.draft.scale = job.options.scale ?? defaults.scale;
    this.draft.forceSingle = job.options.forceSingle ?? defaults.forceSingle;
    this.draftChanged();
    if (edit) {
      this.post({ type: 'showView', view: 'compose' });
      return;
    }
    await this.inspectAll();
    await this.submit();
  }

  // ---- state ----

  private attach(runtime: Runtime): void {
    if (this.disposed) return;
    this.runtime = runtime;
    this.disposables.push(runtime.engine.onDidChange(() => this.scheduleJobs()));
    this.scheduleJobs();
    void runtime.model().then(
      (m) => {
        if (m.base_price_usd === undefined || m.base_price_usd === null) return;
        this.price = `$${m.base_price_usd}${m.price_unit ? ` ${m.price_unit}` : ''}`;
        this.post({ type: 'price', price: this.price });
      },
      () => undefined,
    );
  }

  /** Job changes come in bursts (state, download, save); one update per animation-sized window is enough. */
  private scheduleJobs(): void {
    if (this.jobsTimer) return;
    this.jobsTimer = setTimeout(() => {
      this.jobsTimer = undefined;
      const jobs = this.jobs();
      this.updateRoots();
      this.post({ type: 'jobs', jobs: jobs.map(jobView) });
      this.post({ type: 'results', results: resultViews(jobs, this.uri, fs.existsSync) });
    }, 50);
  }

  private jobs(): JobRecord[] {
    return this.runtime?.engine.list() ?? [];
  }

  private job(id: string): JobRecord | undefined {
    return this.runtime?.engine.get(id);
  }

  /** Paths coming back from the panel are trusted only when they are results the engine saved. */
  private isKnownResult(p: string): boolean {
    return this.jobs().some((j) => j.download.files.some((f) => f.path === p));
  }

  private readonly uri = (filePath: string): string => this.panel.webview.asWebviewUri(vscode.Uri.file(filePath)).toString();

  private state(): PanelState {
    return panelState({ draft: this.draft, jobs: this.jobs(), hasToken: this.hasToken, price: this.price, view: this.view, uri: this.uri, exists: fs.existsSync });
  }

  private updateRoots(): void {
    const roots = resourceRoots(this.context.extensionUri, this.draft, this.jobs());
    const key = roots.map((r) => r.toString()).join('|');
    if (key === this.roots) return;
    this.roots = key;
    this.panel.webview.options = { enableScripts: true, localResourceRoots: roots };
  }

  private async refreshToken(): Promise<void> {
    this.hasToken = !!(await this.services.tokens.get());
    this.post({ type: 'token', hasToken: this.hasToken });
  }

  private addRef(ref: InputRef): void {
    if (ref.kind === 'file' && this.draft.images.some((i) => i.ref.kind === 'file' && i.ref.path === ref.path)) return;
    const image = newImage(ref);
    if (ref.kind === 'url') image.problems = this.services.helpers().checkUrl(ref.url);
    // In the draft before the check starts: inspect() looks the image up by id, and would otherwise never finish it.
    this.draft.images.push(image);
    if (ref.kind === 'file') void this.inspect(image.id);
  }

  private draftChanged(): void {
    void saveDraft(this.context.workspaceState, this.draft);
    this.updateRoots();
    this.post({ type: 'draft', draft: draftView(this.draft, this.uri) });
  }

  private async inspectAll(): Promise<void> {
    await Promise.all(this.draft.images.map((i) => (i.ref.kind === 'file' ? this.inspect(i.id) : Promise.resolve())));
  }

  private async inspect(id: string): Promise<void> {
    const image = this.draft.images.find((i) => i.id === id);
    if (!image || image.ref.kind !== 'file') return;
    const { facts, problems } = await this.services.helpers().inspectImageFile(image.ref.path);
    const current = this.draft.images.find((i) => i.id === id);
    if (!current || this.disposed) return;
    current.facts = facts;
    current.problems = problems;
    current.checking = false;
    this.post({ type: 'draft', draft: draftView(this.draft, this.uri) });
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
