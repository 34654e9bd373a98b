// One panel's logic without VS Code: the ready handshake, every message from the webview, the draft, and what is posted back.
import { type EditOptions, MAX_IMAGES, promptProblem, SIZE_OPTIONS, type SizeOption } from '../api/model';
import { t, tn } from '../common/l10n';
import type { InputRef } from '../jobs/inputChecks';
import { filesOf, hasRequestId } from '../jobs/job';
import { FromWebview, type PanelState, type ToWebview, parseMessage } from '../protocol/messages';
import { isImageFileName } from '../imaging/formats';
import { type Draft, imageLabel, loadDraft, moveImage, newImage, storedDraft } from './draft';
import { applyPlan } from './fitCard';
import { applyPreset, libraryView, missingImagesNotice, presetFromDraft } from './library';
import type { ImportSource } from './importedImages';
import type { PanelPorts } from './ports';
import { confirmationOf, type PendingRunAgain, pendingRunAgain, problemsOf } from './runAgain';
import { SubmitGate } from './submitGate';
import { draftView, jobView, panelState, resourceFolders, resultViews } from './views';

export type { PanelPorts } from './ports';

export class PanelSession {
  private readonly draft: Draft;
  private ready = false;
  private readonly readyWaiters: Array<() => void> = [];
  private pending: ToWebview[] = [];
  private view: PanelState['view'];
  private hasToken: boolean;
  private price: string | undefined;
  private closed = false;
  /** The `seq` of the panel's last edit applied to the draft (updateDraft), sent back with every draft. */
  private draftSeq = 0;
  private readonly gate: SubmitGate;
  /** The run-again the panel was last asked to confirm. */
  private pendingRunAgain: PendingRunAgain | undefined;

  constructor(
    private readonly ports: PanelPorts,
    options: { images?: readonly string[]; view?: PanelState['view']; hasToken?: boolean } = {},
  ) {
    this.draft = loadDraft(ports.storedDraft(), ports.defaults());
    this.gate = new SubmitGate(ports.logger, (submitting) => this.post({ type: 'busy', submitting }));
    this.view = options.view;
    this.hasToken = options.hasToken ?? false;
    for (const path of options.images ?? []) this.addRef({ kind: 'file', path });
    this.updateRoots();
  }

  /** The full state, as the bootstrap HTML and the answer to `ready` carry it. */
  state(): PanelState {
    const state = panelState({
      draft: this.draft,
      draftSeq: this.draftSeq,
      jobs: this.ports.jobs.list(),
      spending: this.ports.jobs.spending?.(),
      hasToken: this.hasToken,
      price: this.price,
      view: this.view,
      uri: this.ports.uri,
      exists: this.ports.exists,
    });
    state.library = libraryView(this.ports.library);
    return this.gate.busy ? { ...state, submitting: true } : state;
  }

  /** Resolves once the panel has painted and said it is ready. */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Checks the draft's files again (they may have changed on disk since it was stored). */
  inspectAll(): Promise<void> {
    return Promise.all(this.draft.images.map((i) => (i.ref.kind === 'file' ? this.inspect(i.id) : Promise.resolve()))).then(() => undefined);
  }

  addFiles(paths: readonly string[]): void {
    for (const path of paths) this.addRef({ kind: 'file', path });
    this.draftChanged();
    this.post({ type: 'showView', view: 'compose' });
  }

  /** The jobs changed: the list and the results gallery follow. */
  jobsChanged(): void {
    const jobs = this.ports.jobs.list();
    this.updateRoots();
    this.post({ type: 'jobs', jobs: jobs.map(jobView), spending: this.ports.jobs.spending?.() });
    this.post({ type: 'results', results: resultViews(jobs, this.ports.uri, this.ports.exists) });
  }

  setHasToken(hasToken: boolean): void {
    this.hasToken = hasToken;
    this.post({ type: 'token', hasToken });
  }

  /** The recent prompts or presets changed (here, in another panel, or in the wizard). */
  libraryChanged(): void {
    this.post({ type: 'library', library: libraryView(this.ports.library) });
  }

  setPrice(price: string | undefined): void {
    this.price = price;
    this.post({ type: 'price', price });
  }

  close(): void {
    this.closed = true;
  }

  /** Every message from the panel arrives here; it is validated first and dropped (logged) when invalid. */
  async receive(raw: unknown): Promise<void> {
    const parsed = parseMessage(FromWebview, raw);
    if (!parsed.ok) {
      this.ports.logger.warn(`[panel] dropped an invalid message (${parsed.reason})`);
      return;
    }
    const message = parsed.message;
    try {
      await this.handle(message);
    } catch (e) {
      const text = this.ports.jobs.userMessageOf(e);
      this.ports.logger.warn(`[panel] ${message.type} failed: ${text}`);
      this.post({ type: 'notice', level: 'error', message: text });
    }
  }

  private post(message: ToWebview): void {
    if (this.closed) return;
    if (!this.ready) {
      // Before the handshake only the latest full state matters; partial updates are folded into it.
      this.pending = message.type === 'state' ? [message] : [...this.pending, message];
      return;
    }
    this.ports.deliver(message);
  }

  private async handle(message: FromWebview): Promise<void> {
    const { actions } = this.ports;
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const pending = this.pending;
        this.pending = [];
        this.ports.deliver({ type: 'state', state: this.state() });
        // The fresh state already holds the latest draft, jobs, results, token and price; only events still matter.
        for (const m of pending)
          if (m.type === 'notice' || m.type === 'submitted' || m.type === 'showView' || m.type === 'confirmRunAgain') this.ports.deliver(m);
        for (const w of this.readyWaiters.splice(0)) w();
        return;
      }
      case 'pickImages': {
        const refs = await actions.pickImages();
        if (refs && !this.closed) {
          for (const ref of refs) this.addRef(ref);
          this.draftChanged();
        }
        return;
      }
      case 'addUrls':
        for (const url of message.urls) this.addRef({ kind: 'url', url: url.trim() });
        this.draftChanged();
        return;
      case 'dropFiles': {
        const paths = message.uris.map((u) => this.ports.filePathOf(u)).filter((p): p is string => !!p);
        const images = paths.filter((p) => isImageFileName(p));
        if (images.length < message.uris.length) {
          this.post({
            type: 'notice',
            level: 'warning',
            message: t('Only images (PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF, HEIC) can be used as inputs; other dropped items were ignored.'),
          });
        }
        for (const path of images) this.addRef({ kind: 'file', path });
        this.draftChanged();
        return;
      }
      case 'importImages':
        await this.importImages(message.source, message.images);
        return;
      case 'savePreset': {
        const made = presetFromDraft(this.draft, message.name, Date.now());
        if ('problem' in made) return this.post({ type: 'notice', level: 'error', message: made.problem });
        const replaced = this.ports.library.presets().some((p) => p.name.toLocaleLowerCase() === made.preset.name.toLocaleLowerCase());
        const saved = await this.ports.library.savePreset(made.preset);
        this.libraryChanged();
        this.post({ type: 'notice', level: 'info', message: replaced ? t('Preset “{0}” updated.', saved.name) : t('Preset “{0}” saved.', saved.name) });
        return;
      }
      case 'applyPreset': {
        const preset = this.ports.library.presets().find((p) => p.id === message.id);
        if (!preset) return this.libraryChanged();
        const { refs, missing } = applyPreset(this.draft, preset, this.ports.exists);
        this.draft.images = [];
        for (const ref of refs) this.addRef(ref);
        this.draftChanged();
        if (missing.length > 0) this.post({ type: 'notice', level: 'warning', message: missingImagesNotice(preset.name, missing) });
        return;
      }
      case 'deletePreset': {
        const preset = this.ports.library.presets().find((p) => p.id === message.id);
        if (!preset || !(await actions.confirmDeletePreset(preset.name))) return;
        await this.ports.library.deletePreset(message.id);
        this.libraryChanged();
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
      case 'chooseFit':
        this.chooseFit(message.id, message.fit);
        return;
      case 'updateDraft':
        if (message.prompt !== undefined) this.draft.prompt = message.prompt;
        if (message.size !== undefined && (SIZE_OPTIONS as readonly string[]).includes(message.size)) this.draft.size = message.size as SizeOption;
        if (message.scale !== undefined) this.draft.scale = message.scale;
        if (message.forceSingle !== undefined) this.draft.forceSingle = message.forceSingle;
        if (message.seq !== undefined) this.draftSeq = message.seq;
        this.ports.storeDraft(storedDraft(this.draft));
        return;
      case 'submit':
        await this.gate.run('submit', () => this.submitDraft());
        return;
      case 'setToken':
        await actions.setToken();
        return;
      case 'cancelJob': {
        const job = this.ports.jobs.get(message.jobId);
        if (job && hasRequestId(job)) await actions.cancel(job.requestId);
        return;
      }
      case 'copyRequestId': {
        // Only a request_id the engine knows is copied, never the panel's internal job id.
        const job = this.ports.jobs.get(message.jobId);
        if (job && hasRequestId(job)) await actions.copyRequestId(job.requestId);
        return;
      }
      case 'retryDownload':
        if (this.ports.jobs.get(message.jobId)) await actions.retryDownload(message.jobId);
        return;
      case 'openResult':
        if (this.isKnownResult(message.path)) await actions.openResult(message.path);
        return;
      case 'revealResult':
        if (this.isKnownResult(message.path)) await actions.revealResult(message.path);
        return;
      case 'useAsInput':
        if (this.isKnownResult(message.path)) this.addFiles([message.path]);
        return;
      case 'runAgain':
        if (this.gate.busy) return this.gate.drop('runAgain');
        if (message.edit) this.editAgain(message.jobId);
        else await this.askRunAgain(message.jobId);
        return;
      case 'confirmRunAgain': {
        const pending = this.pendingRunAgain;
        if (!pending || pending.token !== message.token) {
          this.ports.logger.warn('[panel] dropped a run-again confirmation that matches no question asked');
          return;
        }
        await this.gate.run('confirmRunAgain', async () => {
          this.pendingRunAgain = undefined;
          await this.send({ refs: pending.refs, prompt: pending.prompt, options: pending.options, confirmed: true });
        });
        return;
      }
      case 'viewChanged':
        this.view = message.view;
        return;
    }
  }

  private async submitDraft(): Promise<void> {
    // Taken now: a draft edited while the submit is on its way changes the next submit, not this one.
    const request = {
      refs: this.draft.images.map((i) => i.ref),
      prompt: this.draft.prompt,
      options: { size: this.draft.size, scale: this.draft.scale, forceSingle: this.draft.forceSingle },
    };
    const problem = this.submitProblem();
    if (problem) {
      this.post({ type: 'notice', level: 'error', message: problem });
      return;
    }
    await this.send(request);
  }

  private async send(request: { refs: InputRef[]; prompt: string; options: Required<EditOptions>; confirmed?: boolean }): Promise<void> {
    if (!(await this.ports.hasToken())) {
      this.post({ type: 'notice', level: 'error', message: t('Set your RunComfy API token first.') });
      return;
    }
    const job = await this.ports.jobs.submit(request);
    if (job && hasRequestId(job)) {
      // A prompt that was sent is worth finding again; one the user declined to send is not.
      await this.ports.library.remember(request.prompt);
      this.libraryChanged();
      this.post({ type: 'submitted', requestId: job.requestId });
    }
  }

  /** Why the draft cannot be sent now, or undefined; the webview shows the same reasons before Submit is pressed. */
  submitProblem(): string | undefined {
    const images = this.draft.images;
    if (images.length === 0) return t('Add at least one input image.');
    if (images.length > MAX_IMAGES)
      return tn(images.length, '{0} image is in the draft; at most {1} can be sent.|{0} images are in the draft; at most {1} can be sent.', MAX_IMAGES);
    const broken = images.find((i) => i.problems.length > 0);
    if (broken) return broken.problems[0].message;
    if (images.some((i) => i.checking)) return t('The images are still being checked; try again in a moment.');
    return promptProblem(this.draft.prompt);
  }

  /** "Edit & run again": the job's inputs, prompt and options go back into the draft; nothing is sent. */
  private editAgain(jobId: string): void {
    const job = this.ports.jobs.get(jobId);
    if (!job) return;
    const pending = pendingRunAgain(job, this.ports.defaults());
    if (pending.refs.length === 0) return this.cannotRunAgain();
    this.draft.images = [];
    for (const ref of pending.refs) this.addRef(ref);
    this.draft.prompt = pending.prompt;
    this.draft.size = pending.options.size;
    this.draft.scale = pending.options.scale;
    this.draft.forceSingle = pending.options.forceSingle;
    this.draftChanged();
    this.post({ type: 'showView', view: 'compose' });
  }

  /** "Run again": the inputs are checked again, then the panel asks (price and what is sent) before anything is paid. */
  private async askRunAgain(jobId: string): Promise<void> {
    const job = this.ports.jobs.get(jobId);
    if (!job) return;
    const pending = pendingRunAgain(job, this.ports.defaults());
    if (pending.refs.length === 0) return this.cannotRunAgain();
    const problems = await problemsOf(pending.refs, this.ports.jobs);
    if (this.closed) return;
    if (problems.length > 0) {
      this.post({ type: 'notice', level: 'error', message: problems[0].message });
      return;
    }
    this.pendingRunAgain = pending;
    this.post(confirmationOf(pending, this.price));
  }

  private cannotRunAgain(): void {
    this.post({
      type: 'notice',
      level: 'error',
      message: t('The inputs of this job are not known (it was resumed by request_id), so it cannot be run again.'),
    });
  }

  /** Pasted or dropped bytes become files under the output folder's inputs/, then inputs; each refusal is said once. */
  private async importImages(source: ImportSource, images: ReadonlyArray<{ name?: string; data: string }>): Promise<void> {
    const refused: string[] = [];
    let added = 0;
    for (const image of images) {
      try {
        const saved = await this.ports.importImage({ source, name: image.name, bytes: Buffer.from(image.data, 'base64') });
        if (this.closed) return;
        this.addRef({ kind: 'file', path: saved });
        added++;
      } catch (e) {
        refused.push(this.ports.jobs.userMessageOf(e));
      }
    }
    if (added > 0) {
      this.draftChanged();
      this.post({ type: 'showView', view: 'compose' });
    }
    const [first, ...others] = refused;
    if (first !== undefined) this.post({ type: 'notice', level: 'error', message: others.length > 0 ? t('{0} (and {1} more)', first, others.length) : first });
  }

  /** Paths coming back from the panel are trusted only when they are results the engine saved. */
  private isKnownResult(path: string): boolean {
    return this.ports.jobs.list().some((j) => filesOf(j).some((f) => f.path === path));
  }

  private addRef(ref: InputRef): void {
    if (ref.kind === 'file' && this.draft.images.some((i) => i.ref.kind === 'file' && i.ref.path === ref.path)) return;
    const image = newImage(ref);
    if (ref.kind === 'url') image.problems = this.ports.jobs.checkUrl(ref.url);
    // In the draft before the check starts: inspect() looks the image up by id, and would otherwise never finish it.
    this.draft.images.push(image);
    if (ref.kind === 'file') void this.inspect(image.id);
  }

  private draftChanged(): void {
    this.ports.storeDraft(storedDraft(this.draft));
    this.updateRoots();
    this.post({ type: 'draft', draft: draftView(this.draft, this.ports.uri, this.draftSeq) });
  }

  private updateRoots(): void {
    this.ports.setResourceFolders(resourceFolders(this.draft, this.ports.jobs.list()));
  }

  /** Fits the file as a submit would (off the event loop), so its card says what will be sent. */
  private async inspect(id: string): Promise<void> {
    const image = this.draft.images.find((i) => i.id === id);
    if (!image || image.ref.kind !== 'file') return;
    const ref = image.ref;
    const plan = await this.ports.jobs.planImageFile(ref);
    const current = this.draft.images.find((i) => i.id === id);
    // A Pad/Crop choice made meanwhile started its own check; only the latest one is shown.
    if (!current || current.ref !== ref || this.closed) return;
    applyPlan(current, imageLabel(ref), plan);
    this.post({ type: 'draft', draft: draftView(this.draft, this.ports.uri, this.draftSeq) });
  }

  /** Pad or Crop for one card: checked again with that choice, which the submit then carries. */
  private chooseFit(id: string, fit: 'pad' | 'crop'): void {
    const image = this.draft.images.find((i) => i.id === id);
    if (!image || image.ref.kind !== 'file' || image.ref.fit === fit) return;
    image.ref = { ...image.ref, fit };
    image.checking = true;
    image.problems = [];
    image.fitSummary = undefined;
    this.draftChanged();
    void this.inspect(id);
  }
}
