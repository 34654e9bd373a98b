// The job engine: submits once, tracks every request_id, saves results, resumes after restarts; one abort signal ends all its work.
import { randomUUID } from 'node:crypto';
import { type AuthError, InputError, SubmissionUnknownError } from '../api/errors';
import { type EditOptions, toEditRequest } from '../api/schemas';
import { type Clock, systemClock } from '../common/clock';
import type { Subscription } from '../common/emitter';
import { t } from '../common/l10n';
import { Disposable, toDisposable } from '../common/lifecycle';
import { type Logger, nullLogger } from '../common/logger';
import { DurationModel, type DurationStore } from './durationModel';
import { DownloadQueue, retriesOnItsOwn } from './downloads';
import { type BatchTag, hasOutputs, hasRequestId, type InputSummary, isTracked, type Job, storableInput } from './job';
import { type JobChange, JobTable } from './jobTable';
import { type EditOutcome, outcomeFor } from './outcome';
import { type EngineHealth, eventOfResult, Poller } from './poller';
import type { ApiPort, JobStore, SaverPort } from './ports';
import { DEFAULT_POLL_POLICY, type PollPolicy } from './scheduler';
import { type Instant, type JobEvent, restore, startResumed, startSubmission } from './transitions';

export type { JobChange } from './jobTable';
export type { EngineHealth } from './poller';

export interface SubmitParams {
  /** What is sent as `image_urls`: URLs or data URIs, in order. */
  imageValues: readonly string[];
  /** How each input is remembered (never the data URI itself). */
  inputs: readonly InputSummary[];
  prompt: string;
  options: EditOptions;
  outputDir: string;
  /** See OutputPlace: the folder results must stay inside. */
  outputRoot?: string;
  baseName: string;
  /** The job's local id when the caller must know it before the submit goes out (a batch stores it first). */
  id?: string;
  batch?: BatchTag;
}

export interface ResumeParams {
  outputDir: string;
  outputRoot?: string;
  baseName: string;
  prompt?: string;
}

export interface EngineDeps {
  api: ApiPort;
  saver: SaverPort;
  store: JobStore;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  poll?: PollPolicy;
  /** Where learned job durations are kept between sessions; without it they are learned afresh. */
  durations?: DurationStore;
  /** How many jobs history keeps (jobs that still need the user are kept beyond it). */
  historyLimit?: number;
}

export class JobEngine extends Disposable {
  private readonly table: JobTable;
  private readonly poller: Poller;
  private readonly downloads: DownloadQueue;
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** Aborted on dispose: polls, retries, result reads and downloads in flight stop, and nothing is written after. */
  private readonly lifetime = new AbortController();
  readonly onDidChange: (listener: (change: JobChange) => void) => Subscription;
  readonly onDidChangeHealth: (listener: (health: EngineHealth) => void) => Subscription;

  constructor(private readonly deps: EngineDeps) {
    super();
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? nullLogger;
    const signal = this.lifetime.signal;
    const instant = () => this.instant();
    this.table = new JobTable({ store: deps.store, logger: this.logger, historyLimit: deps.historyLimit ?? 200 });
    this.downloads = new DownloadQueue({
      saver: deps.saver,
      table: this.table,
      clock: this.clock,
      logger: this.logger,
      signal,
      instant,
      refreshUrls: async (job) => {
        const view = await deps.api.result(job.requestId, { signal, includeCost: true });
        const urls = [...view.imageUrls, ...view.videoUrls];
        return urls.length > 0 ? urls : undefined;
      },
    });
    this.poller = new Poller({
      api: deps.api,
      table: this.table,
      clock: this.clock,
      logger: this.logger,
      policy: deps.poll ?? DEFAULT_POLL_POLICY,
      random: deps.random,
      signal,
      instant,
      durations: new DurationModel(deps.durations),
      onFinished: (job) => this.afterFinish(job),
    });
    this.onDidChange = this.table.onDidChange;
    this.onDidChangeHealth = this.poller.onDidChangeHealth;
    this._register(toDisposable(() => this.stop()));
  }

  /** Loads stored jobs and resumes tracking and saving; safe to call once at start. */
  async restore(): Promise<void> {
    const stored = await this.deps.store.load();
    if (this.isDisposed) return;
    const at = this.instant();
    this.table.load(stored.map((job) => restore(job, { type: 'restored', at })));
    await this.table.persist();
    for (const job of this.table.list()) {
      if (isTracked(job)) this.poller.scheduler.track(job.id, 0);
      // Only saves that can succeed by trying again resume on their own; the others wait for the user.
      else if (job.state === 'saving' || retriesOnItsOwn(job)) this.downloads.schedule(job.id, 0);
    }
    this.logger.info(`restored ${stored.length} job(s), tracking ${this.poller.scheduler.size}`);
  }

  /** Newest first. */
  list(): Job[] {
    return this.table.list();
  }

  get(idOrRequestId: string): Job | undefined {
    return this.table.get(idOrRequestId);
  }

  get health(): EngineHealth {
    return this.poller.currentHealth;
  }

  /**
   * Submits once and resolves as soon as the request_id is known and stored. Never retried: an answer that was lost
   * or unreadable leaves a `submissionUnknown` job and rejects with SubmissionUnknownError; a refusal keeps nothing.
   */
  async submit(params: SubmitParams, signal?: AbortSignal): Promise<Job> {
    const fields = {
      origin: 'submit' as const,
      prompt: params.prompt,
      options: { ...params.options },
      inputs: params.inputs.map(storableInput),
      ...place(params),
      baseName: params.baseName,
      ...(params.batch ? { batch: { ...params.batch } } : {}),
    };
    if (params.id && this.table.get(params.id)) throw new InputError(params.id, 'id', t('A job with id {0} exists already.', params.id));
    const job = startSubmission(params.id ?? randomUUID(), fields, this.instant());
    await this.table.add(job);
    let answer;
    try {
      answer = await this.deps.api.submit(toEditRequest(params.imageValues, params.prompt, params.options), { signal });
    } catch (error) {
      if (error instanceof SubmissionUnknownError) await this.apply(job.id, { type: 'submitLost', error: error.userMessage, at: this.instant() });
      else await this.table.remove(job.id);
      throw error;
    }
    const accepted = await this.apply(job.id, { type: 'accepted', requestId: answer.request_id, at: this.instant() });
    this.logger.info(`submitted ${answer.request_id}`);
    this.poller.scheduler.track(job.id);
    return accepted ?? job;
  }

  /** Tracks an existing request_id and saves its result, without submitting anything. */
  async resume(requestId: string, params: ResumeParams, signal?: AbortSignal): Promise<Job> {
    const existing = this.table.get(requestId);
    if (existing) {
      if (isTracked(existing)) this.poller.scheduler.pollSoon(existing.id);
      if (existing.state === 'saveFailed' || existing.state === 'saving') await this.downloads.runNow(existing.id);
      return this.table.get(existing.id) ?? existing;
    }
    const view = await this.deps.api.result(requestId, { signal, includeCost: true });
    const fields = { origin: 'resume' as const, prompt: params.prompt ?? '', options: {}, inputs: [], ...place(params), baseName: params.baseName };
    const job = startResumed(randomUUID(), view.requestId || requestId, fields, this.instant());
    await this.table.add(job);
    const at = this.instant();
    const event = eventOfResult(view, at);
    const next = (await this.apply(job.id, event)) ?? job;
    if (isTracked(next)) this.poller.scheduler.track(next.id, 0);
    else this.afterFinish(next);
    return next;
  }

  /** Asks RunComfy to cancel and reports its real answer; a job that goes on is still tracked and saved. */
  async cancel(idOrRequestId: string, signal?: AbortSignal): Promise<'cancelled' | 'not_cancellable' | 'unknown'> {
    const job = this.table.get(idOrRequestId);
    if (!job) throw new InputError(idOrRequestId, 'requestId', t('No job with id {0} is known.', idOrRequestId));
    if (!hasRequestId(job)) {
      throw new InputError(job.id, 'state', t('This job has no request_id yet, so RunComfy cannot be asked to cancel it.'));
    }
    if (!isTracked(job)) return job.state === 'cancelled' ? 'cancelled' : 'not_cancellable';
    const view = await this.deps.api.cancel(job.requestId, { signal });
    await this.apply(job.id, { type: 'cancelAnswered', outcome: view.outcome, at: this.instant() });
    if (view.outcome === 'cancelled') this.poller.scheduler.untrack(job.id);
    else this.poller.scheduler.pollSoon(job.id);
    this.logger.info(`cancel ${job.requestId}: ${view.outcome}`);
    return view.outcome;
  }

  /** Tries a failed save again now, without a new submit. */
  async retryDownload(idOrRequestId: string): Promise<Job> {
    const job = this.table.get(idOrRequestId);
    if (!job) throw new InputError(idOrRequestId, 'requestId', t('No job with id {0} is known.', idOrRequestId));
    if (!hasOutputs(job)) throw new InputError(job.id, 'state', t('Only a finished job has results to download.'));
    await this.downloads.runNow(job.id);
    return this.table.get(job.id) ?? job;
  }

  /** The user has looked at the job: a failure stops asking for attention. */
  async markSeen(idOrRequestId: string): Promise<void> {
    const job = this.table.get(idOrRequestId);
    if (job && !job.seen) await this.apply(job.id, { type: 'seen', at: this.instant() });
  }

  /** Resolves with the outcome once there is one (see outcomeFor); rejects if the job is forgotten or `signal` aborts. */
  waitForOutcome(idOrRequestId: string, signal?: AbortSignal): Promise<EditOutcome> {
    return new Promise((resolve, reject) => {
      const subs: Subscription[] = [];
      const done = (fn: () => void) => {
        for (const s of subs.splice(0)) s.dispose();
        fn();
      };
      const check = (): boolean => {
        const job = this.table.get(idOrRequestId);
        if (!job) {
          done(() => reject(new InputError(idOrRequestId, 'requestId', t('The job {0} is no longer tracked.', idOrRequestId))));
          return true;
        }
        const outcome = outcomeFor(job, this.health);
        if (outcome) done(() => resolve(outcome));
        return !!outcome;
      };
      subs.push(
        this.onDidChange(() => void check()),
        this.onDidChangeHealth(() => void check()),
      );
      if (check()) return;
      const onAbort = () => done(() => reject(signal?.reason ?? new Error('aborted')));
      // A signal aborted before the call never fires 'abort' again.
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      subs.push({ dispose: () => signal?.removeEventListener('abort', onAbort) });
    });
  }

  /** Polls the job (or every job) now. */
  pollNow(idOrRequestId?: string): void {
    const job = idOrRequestId ? this.table.get(idOrRequestId) : undefined;
    this.poller.scheduler.pollSoon(job?.id);
  }

  /** RunComfy refused the token outside a poll (a submit, a resume): polling pauses too. */
  tokenRefused(error: AuthError): void {
    this.poller.pauseForAuth(error);
  }

  /** A token was set: polling paused by a refused token resumes at once. */
  tokenChanged(): void {
    this.poller.resume();
  }

  setFocused(focused: boolean): void {
    this.poller.scheduler.setFocused(focused);
  }

  /** Resolves when no poll, save or store write is in flight (tests and shutdown use it). */
  async idle(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      await this.poller.scheduler.idle();
      await this.downloads.idle();
      await this.table.flushed();
    }
  }

  /** Resolves once dispose() has stopped everything: temp files removed, the last write done. */
  async stopped(): Promise<void> {
    await this.downloads.dispose();
    await this.table.flushed();
  }

  private stop(): void {
    // Stops local work only: remote jobs keep running and are resumed on the next start.
    this.lifetime.abort(new Error('the job engine was disposed'));
    this.poller.dispose();
    this.table.close();
    void this.downloads.dispose();
  }

  private afterFinish(job: Job): void {
    this.poller.scheduler.untrack(job.id);
    if (job.state === 'saving') this.downloads.schedule(job.id, 0);
  }

  private apply(id: string, event: JobEvent): Promise<Job | undefined> {
    return this.table.apply(id, event);
  }

  private instant(): Instant {
    return { wall: this.clock.now(), mono: this.clock.monotonic() };
  }
}

function place(params: { outputDir: string; outputRoot?: string }): { outputDir: string; outputRoot?: string } {
  return params.outputRoot !== undefined ? { outputDir: params.outputDir, outputRoot: params.outputRoot } : { outputDir: params.outputDir };
}
