// The one jobs service every adapter uses: present from activation with the job list and its events, loading the heavy runtime inside itself on first need.
import * as vscode from 'vscode';
import type { ModelMetadata } from '../api/schemas';
import type { BatchRecord } from '../batch/batch';
import type { ParsedBatchArgs } from '../batch/batchArgs';
import type { BatchCheck } from '../batch/batchService';
import type { BatchInit } from '../batch/runner';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import type { EngineHealth, JobChange, ResumeParams } from '../jobs/engine';
import type { ParsedEditArgs } from '../jobs/editArgs';
import type { FitSettings } from '../imaging/fitTypes';
import type { Preview } from '../imaging/preview';
import type { ImageFacts, InputProblem, InputRef } from '../jobs/inputChecks';
import type { FilePlan, PreparedInput } from '../jobs/inputs';
import type { Job } from '../jobs/job';
import type { OutputPlace } from '../jobs/outputFolder';
import { RepeatGuard } from '../jobs/repeatGuard';
import type { EditOutcome } from '../jobs/outcome';
import type { EditSubmission, Runtime } from '../runtime';
import { affectsConnection, allowedDownloadHosts, apiBaseUrl, embedPromptInResults, fitSettings, proxyUrl } from './config';
import type * as RuntimeExports from '../runtime';
import type { TokenStore } from './secrets';

type RuntimeModule = typeof RuntimeExports;

export interface JobsServiceHost {
  context: vscode.ExtensionContext;
  logger: Logger;
  tokens: TokenStore;
}

export class JobsService extends Disposable {
  private runtime: Runtime | undefined;
  /** One for the window: the palette, the Explorer and every panel count the same submits. */
  private readonly repeats = new RepeatGuard(() => Date.now());
  private loading: Promise<Runtime> | undefined;
  private module: RuntimeModule | undefined;
  private readonly anyChange = this._register(new vscode.EventEmitter<void>());
  private readonly jobChange = this._register(new vscode.EventEmitter<JobChange>());
  /** Something about the jobs changed: a job, the engine's health, or the stored jobs having been loaded. */
  readonly onDidChange = this.anyChange.event;
  /** One job changed (with its state before). */
  readonly onDidChangeJob = this.jobChange.event;
  private readonly batchChange = this._register(new vscode.EventEmitter<BatchRecord>());
  private readonly batchRestore = this._register(new vscode.EventEmitter<BatchRecord[]>());
  /** A batch changed: an item's state, its own state, its counts. */
  readonly onDidChangeBatch = this.batchChange.event;
  /** Unfinished batches found after a reload, told before they send anything more. */
  readonly onDidRestoreBatches = this.batchRestore.event;

  constructor(private readonly host: JobsServiceHost) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsConnection(e)) this.runtime?.reconnect();
      }),
    );
    this._register(vscode.window.onDidChangeWindowState((s) => this.runtime?.engine.setFocused(s.focused)));
    // Any token set, even the same one again (the account may have been fixed), resumes polling a refusal paused.
    this._register(
      host.tokens.onDidChange(async () => {
        if (this.runtime && (await host.tokens.get())) this.runtime.engine.tokenChanged();
      }),
    );
  }

  // ---- answered at once, never loading anything ----

  /** Newest first; empty until the stored jobs are loaded (onDidChange fires then). */
  list(): Job[] {
    return this.runtime?.engine.list() ?? [];
  }

  get(idOrRequestId: string): Job | undefined {
    return this.runtime?.engine.get(idOrRequestId);
  }

  health(): EngineHealth {
    return this.runtime?.engine.health ?? {};
  }

  /** Polls now (all jobs, or one); nothing to poll before the runtime is loaded. */
  pollNow(idOrRequestId?: string): void {
    this.runtime?.engine.pollNow(idOrRequestId);
  }

  /** Newest first; empty until the runtime is loaded. */
  batches(): BatchRecord[] {
    return this.runtime?.batches.runner.list() ?? [];
  }

  batch(id: string): BatchRecord | undefined {
    return this.runtime?.batches.runner.get(id);
  }

  // ---- loading the runtime when first needed ----

  /** Loads the runtime bundle, builds the engine and restores stored jobs, once. */
  ready(): Promise<void> {
    return this.load().then(() => undefined);
  }

  /** Checks and fits every input; `fit` defaults to the settings. */
  async prepare(refs: readonly InputRef[], signal?: AbortSignal, fit?: FitSettings): Promise<PreparedInput[]> {
    return (await this.load()).prepare(refs, signal, fit);
  }

  /** What one local file will be sent as after fitting (the panel's card line), or why it cannot be; `fit` defaults to the settings. */
  async planImageFile(ref: Extract<InputRef, { kind: 'file' }>, fit?: FitSettings): Promise<FilePlan> {
    return (await this.load()).planImageFile(ref, fit);
  }

  /** A saved result downscaled for a language model to look at (see PREVIEW_LIMITS). */
  async previewImage(file: string, signal?: AbortSignal): Promise<Preview | undefined> {
    return (await this.load()).previewImage(file, signal);
  }

  /** Submits as given, without asking anything: for scripted calls, which are their callers' decisions. */
  async submitEdit(submission: EditSubmission, prepared?: PreparedInput[]): Promise<Job> {
    return (await this.load()).submitEdit(submission, undefined, prepared);
  }

  /**
   * Submits on a person's behalf. The same edit again within seconds of the last (or while it is still being sent)
   * is first put to `confirmRepeat`; undefined when they decline. `confirmed` says they already agreed to this very
   * submit (the panel's run-again question), so they are not asked twice.
   */
  async submitInteractive(
    submission: EditSubmission,
    confirmRepeat: () => PromiseLike<boolean>,
    options: { prepared?: PreparedInput[]; confirmed?: boolean; progress?: <T>(work: () => Promise<T>) => PromiseLike<T> } = {},
  ): Promise<Job | undefined> {
    if (!options.confirmed && this.repeats.isRepeat(submission)) {
      this.host.logger.info('the same edit was submitted moments ago; asking before sending it again');
      if (!(await confirmRepeat())) {
        this.host.logger.info('the repeated edit was not sent');
        return undefined;
      }
    }
    const end = this.repeats.begin(submission);
    try {
      const send = () => this.submitEdit(submission, options.prepared);
      const job = await (options.progress ? options.progress(send) : send());
      end(true);
      return job;
    } catch (e) {
      // Only an answer that never came may have created (and billed) a job; a clear refusal created nothing.
      end((e as { kind?: unknown } | undefined)?.kind === 'submissionUnknown');
      throw e;
    }
  }

  async resume(requestId: string, params: ResumeParams & OutputPlace): Promise<Job> {
    return (await this.load()).resume(requestId, params);
  }

  async cancel(idOrRequestId: string): Promise<'cancelled' | 'not_cancellable' | 'unknown'> {
    return (await this.load()).engine.cancel(idOrRequestId);
  }

  async retryDownload(idOrRequestId: string): Promise<Job> {
    return (await this.load()).engine.retryDownload(idOrRequestId);
  }

  async markSeen(idOrRequestId: string): Promise<void> {
    await (await this.load()).engine.markSeen(idOrRequestId);
  }

  /** Resolves with the job's outcome; `signal` stops the waiting only, never the job. */
  async waitForOutcome(idOrRequestId: string, signal?: AbortSignal): Promise<EditOutcome> {
    return (await this.load()).engine.waitForOutcome(idOrRequestId, signal);
  }

  /** Checks and fits every batch source with the references, sending nothing. */
  async checkBatch(sources: readonly string[], references: readonly InputRef[], fit: FitSettings, progress?: (checked: number) => void, signal?: AbortSignal): Promise<BatchCheck> {
    return (await this.load()).batches.check(sources, references, fit, progress, signal);
  }

  /** Stores the batch, then sends its items as slots free up. */
  async startBatch(init: BatchInit): Promise<BatchRecord> {
    return (await this.load()).batches.start(init);
  }

  async pauseBatch(id: string): Promise<void> {
    await (await this.load()).batches.runner.pause(id);
  }

  async resumeBatch(id: string): Promise<void> {
    await (await this.load()).batches.runner.resume(id);
  }

  async cancelBatch(id: string): Promise<void> {
    await (await this.load()).batches.runner.cancel(id);
  }

  /** Resolves when every item of the batch has an outcome; `signal` stops the waiting only. */
  async waitForBatch(id: string, signal?: AbortSignal): Promise<BatchRecord> {
    return (await this.load()).batches.runner.waitForEnd(id, signal);
  }

  async model(): Promise<ModelMetadata> {
    return (await this.load()).model();
  }

  // ---- the runtime's pure helpers: they load its bundle, not the engine ----

  userMessageOf(error: unknown): string {
    return this.helpers().userMessageOf(error);
  }

  assertRequestId(value: string): string {
    return this.helpers().assertRequestId(value);
  }

  parseEditArgs(raw: unknown, workspaceFolders: readonly string[]): ParsedEditArgs {
    return this.helpers().parseEditArgs(raw, workspaceFolders);
  }

  parseBatchArgs(raw: unknown, workspaceFolders: readonly string[]): ParsedBatchArgs {
    return this.helpers().parseBatchArgs(raw, workspaceFolders);
  }

  inspectImageFile(filePath: string): Promise<{ facts?: ImageFacts; problems: InputProblem[] }> {
    return this.helpers().inspectImageFile(filePath);
  }

  checkUrl(url: string): InputProblem[] {
    return this.helpers().checkUrl(url);
  }

  /** Whether `prepare` refused only aspect ratios that Pad or Crop would fix. */
  isAspectChoiceError(error: unknown): boolean {
    return this.helpers().isAspectChoiceError(error);
  }

  /** Why results may not be written to this folder (it leads outside its workspace folder), or undefined. */
  outputFolderProblem(place: OutputPlace): Promise<string | undefined> {
    return this.helpers().outputFolderProblem(place);
  }

  /** Stops local work only; jobs keep running at RunComfy and are resumed next time. */
  async shutdown(): Promise<void> {
    const runtime = this.runtime;
    this.runtime = undefined;
    await runtime?.dispose();
  }

  override dispose(): void {
    void this.shutdown();
    super.dispose();
  }

  private helpers(): RuntimeModule['runtimeHelpers'] {
    return this.bundle().runtimeHelpers;
  }

  private bundle(): RuntimeModule {
    // A separate bundle, so activation does not pay for undici, zod and image decoding until they are needed.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.module ??= require('../runtime') as RuntimeModule;
    return this.module;
  }

  private load(): Promise<Runtime> {
    this.loading ??= this.build();
    return this.loading;
  }

  private async build(): Promise<Runtime> {
    const { context, logger, tokens } = this.host;
    const started = Date.now();
    const runtime = this.bundle().createRuntime({
      logger,
      token: () => tokens.get(),
      apiBaseUrl,
      allowedDownloadHosts,
      proxyUrl,
      fitSettings: () => fitSettings(),
      embedPromptInResults,
      workspaceState: context.workspaceState,
      globalState: context.globalState,
      translate: (message, ...args) => vscode.l10n.t(message, ...args),
      language: vscode.env.language,
      userAgent: `runcomfy-dreamina-edit/${(context.extension.packageJSON as { version?: string }).version ?? '0'} vscode/${vscode.version}`,
    });
    runtime.engine.setFocused(vscode.window.state.focused);
    await runtime.engine.restore();
    // After the jobs: an item whose submit was in flight takes its job's state, or becomes "submission unknown".
    let unfinished: BatchRecord[] = [];
    try {
      unfinished = await runtime.batches.runner.restore();
    } catch (e) {
      // The jobs themselves are restored and tracked; only the batches' bookkeeping is lost.
      logger.warn(`stored batches could not be restored: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (this.isDisposed) {
      await runtime.dispose();
      throw new Error('the extension is shutting down');
    }
    // Subscribed through the runtime's own engine, and disposed with this service: nothing outlives it.
    this._register(runtime.engine.onDidChange((change) => (this.jobChange.fire(change), this.anyChange.fire())));
    this._register(runtime.engine.onDidChangeHealth(() => this.anyChange.fire()));
    this._register(runtime.batches.runner.onDidChange((batch) => this.batchChange.fire(batch)));
    this.runtime = runtime;
    logger.info(`runtime ready in ${Date.now() - started} ms (API ${runtime.baseUrl})`);
    this.anyChange.fire();
    // The user is told first (with Pause); only then does anything more go out.
    if (unfinished.length > 0) this.batchRestore.fire(unfinished);
    runtime.batches.runner.continue();
    return runtime;
  }
}
