// The job engine: submits, tracks every request_id through one scheduler, persists before polling, saves results, resumes after restarts.
import { randomUUID } from 'node:crypto';
import { InputError, NotFoundError, SubmissionUnknownError, userMessageOf } from '../api/errors';
import { EditOptions, isFinalState, toEditRequest } from '../api/schemas';
import { Clock, systemClock } from '../common/clock';
import { Emitter } from '../common/emitter';
import { t } from '../common/l10n';
import { Logger, nullLogger } from '../common/logger';
import { DownloadQueue } from './downloads';
import { InputSummary, JobRecord, JobState, isFinal, isSettled, needsDownload, needsPolling } from './job';
import { ApiPort, SaverPort } from './ports';
import { DEFAULT_POLL_POLICY, PollPolicy, PollResult, PollScheduler } from './scheduler';
import { JobStore } from './store';

export interface SubmitParams {
  /** What is sent as `image_urls`: URLs or data URIs, in order. */
  imageValues: readonly string[];
  /** How each input is remembered (never the data URI itself). */
  inputs: readonly InputSummary[];
  prompt: string;
  options: EditOptions;
  outputDir: string;
  baseName: string;
}

export interface ResumeParams {
  outputDir: string;
  baseName: string;
  prompt?: string;
}

export interface JobChange {
  job: JobRecord;
  previousState?: JobState;
  removed?: boolean;
}

export interface EngineDeps {
  api: ApiPort;
  saver: SaverPort;
  store: JobStore;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  poll?: PollPolicy;
  /** How many finished jobs are kept in history. */
  historyLimit?: number;
}

export class JobEngine {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly changes = new Emitter<JobChange>();
  readonly onDidChange = this.changes.event;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly scheduler: PollScheduler;
  private readonly downloads: DownloadQueue;
  private persisting: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly deps: EngineDeps) {
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? nullLogger;
    this.scheduler = new PollScheduler(this.clock, (id) => this.pollOnce(id), deps.poll ?? DEFAULT_POLL_POLICY, deps.random);
    this.downloads = new DownloadQueue({
      saver: deps.saver,
      clock: this.clock,
      logger: this.logger,
      get: (id) => this.jobs.get(id),
      update: (id, mutate) => this.update(id, mutate),
      refreshUrls: (job) => this.refreshOutputUrls(job),
    });
  }

  /** Loads stored jobs and resumes tracking and pending downloads; safe to call once at start. */
  async restore(): Promise<void> {
    const stored = await this.deps.store.load();
    for (const job of stored) {
      if (this.jobs.has(job.id)) continue;
      if (job.state === 'submitting') {
        // The window went away while the submit was in flight: its fate is unknown.
        job.state = 'submissionUnknown';
        job.error = new SubmissionUnknownError('interrupted').userMessage;
      }
      if (job.download.state === 'downloading') job.download.state = 'pending';
      this.jobs.set(job.id, job);
    }
    await this.persist();
    for (const job of this.jobs.values()) {
      if (needsPolling(job)) this.scheduler.track(job.id, 0);
      if (needsDownload(job)) this.downloads.schedule(job.id, 0);
    }
    this.logger.info(`restored ${stored.length} job(s), tracking ${this.scheduler.size}`);
  }

  list(): JobRecord[] {
    return [...this.jobs.values()].sort((a, b) => b.createdAt - a.createdAt).map(clone);
  }

  get(idOrRequestId: string): JobRecord | undefined {
    const job = this.find(idOrRequestId);
    return job ? clone(job) : undefined;
  }

  /** Jobs RunComfy is still working on. */
  active(): JobRecord[] {
    return this.list().filter((j) => j.state === 'submitting' || j.state === 'queued' || j.state === 'running');
  }

  /**
   * Submits once and resolves as soon as the request_id is known and stored. The submit is never retried;
   * a lost answer leaves a `submissionUnknown` job and rejects with SubmissionUnknownError.
   */
  async submit(params: SubmitParams, signal?: AbortSignal): Promise<JobRecord> {
    const job = this.newJob({
      origin: 'submit',
      state: 'submitting',
      prompt: params.prompt,
      options: { ...params.options },
      inputs: params.inputs.map((i) => ({ ...i })),
      outputDir: params.outputDir,
      baseName: params.baseName,
    });
    await this.persist();
    this.emit(job, undefined);

    let answer;
    try {
      answer = await this.deps.api.submit(toEditRequest(params.imageValues, params.prompt, params.options), signal);
    } catch (error) {
      if (error instanceof SubmissionUnknownError) {
        await this.update(job.id, (j) => {
          j.state = 'submissionUnknown';
          j.error = error.userMessage;
        });
      } else {
        // Nothing was created remotely, so nothing is kept: the caller shows the error.
        this.jobs.delete(job.id);
        await this.persist();
        this.emit(job, 'submitting', true);
      }
      throw error;
    }
    await this.update(job.id, (j) => {
      j.requestId = answer.request_id;
      j.state = 'queued';
      j.submittedAt = this.clock.now();
    });
    this.logger.info(`submitted ${answer.request_id}`);
    this.scheduler.track(job.id);
    return clone(this.jobs.get(job.id)!);
  }

  /** Tracks an existing request_id and saves its result, without submitting anything. */
  async resume(requestId: string, params: ResumeParams, signal?: AbortSignal): Promise<JobRecord> {
    const existing = this.find(requestId);
    if (existing) {
      if (needsPolling(existing)) this.scheduler.pollSoon(existing.id);
      if (needsDownload(existing)) this.downloads.schedule(existing.id, 0);
      return clone(existing);
    }
    const view = await this.deps.api.result(requestId, { includeCost: true }, signal);
    const job = this.newJob({
      requestId: view.requestId || requestId,
      origin: 'resume',
      state: 'queued',
      remoteStatus: view.rawStatus,
      prompt: params.prompt ?? '',
      options: {},
      inputs: [],
      outputDir: params.outputDir,
      baseName: params.baseName,
    });
    await this.persist();
    if (isFinalState(view.state)) {
      await this.applyResult(job.id, view);
    } else {
      await this.update(job.id, (j) => {
        j.state = view.state === 'running' ? 'running' : 'queued';
      });
      this.scheduler.track(job.id, 0);
    }
    return clone(this.jobs.get(job.id)!);
  }

  /** Asks RunComfy to cancel and reports its real answer; a job that goes on is still tracked and saved. */
  async cancel(idOrRequestId: string, signal?: AbortSignal): Promise<'cancelled' | 'not_cancellable' | 'unknown'> {
    const job = this.find(idOrRequestId);
    if (!job) throw new InputError(idOrRequestId, 'requestId', t('No job with id {0} is known.', idOrRequestId));
    if (!job.requestId) {
      throw new InputError(job.id, 'state', t('This job has no request_id yet, so RunComfy cannot be asked to cancel it.'));
    }
    if (isFinal(job)) return job.state === 'cancelled' ? 'cancelled' : 'not_cancellable';
    const view = await this.deps.api.cancel(job.requestId, signal);
    await this.update(job.id, (j) => {
      j.cancelOutcome = view.outcome;
      if (view.outcome === 'cancelled') {
        j.state = 'cancelled';
        j.finishedAt = this.clock.now();
        j.queuePosition = undefined;
      }
    });
    if (view.outcome === 'cancelled') this.scheduler.untrack(job.id);
    else this.scheduler.pollSoon(job.id);
    this.logger.info(`cancel ${job.requestId}: ${view.outcome}`);
    return view.outcome;
  }

  /** Tries a failed or pending download again now, without a new submit. */
  async retryDownload(idOrRequestId: string): Promise<JobRecord> {
    const job = this.find(idOrRequestId);
    if (!job) throw new InputError(idOrRequestId, 'requestId', t('No job with id {0} is known.', idOrRequestId));
    if (job.state !== 'succeeded') {
      throw new InputError(job.id, 'state', t('Only a finished job has results to download.'));
    }
    await this.downloads.runNow(job.id, true);
    return clone(this.jobs.get(job.id)!);
  }

  /** Marks a job as seen by the user (a failure stops asking for attention). */
  async markSeen(idOrRequestId: string): Promise<void> {
    const job = this.find(idOrRequestId);
    if (job && !job.seen) await this.update(job.id, (j) => void (j.seen = true));
  }

  /** Removes a finished job from history (files on disk are kept). */
  async forget(idOrRequestId: string): Promise<void> {
    const job = this.find(idOrRequestId);
    if (!job || !isFinal(job)) return;
    this.jobs.delete(job.id);
    this.scheduler.untrack(job.id);
    await this.persist();
    this.emit(job, job.state, true);
  }

  /** Resolves once the job is final and its download has settled (saved or failed). */
  waitForSettled(idOrRequestId: string, signal?: AbortSignal): Promise<JobRecord> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const job = this.find(idOrRequestId);
        if (!job) {
          sub.dispose();
          reject(new InputError(idOrRequestId, 'requestId', t('The job {0} is no longer tracked.', idOrRequestId)));
          return true;
        }
        if (isSettled(job)) {
          sub.dispose();
          resolve(clone(job));
          return true;
        }
        return false;
      };
      const sub = this.onDidChange(() => void check());
      if (check()) return;
      signal?.addEventListener('abort', () => {
        sub.dispose();
        reject(signal.reason ?? new Error('aborted'));
      });
    });
  }

  pollNow(idOrRequestId?: string): void {
    const job = idOrRequestId ? this.find(idOrRequestId) : undefined;
    this.scheduler.pollSoon(job?.id);
  }

  setFocused(focused: boolean): void {
    this.scheduler.setFocused(focused);
  }

  /** Resolves when no poll, download or store write is in flight (tests and shutdown use it). */
  async idle(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      await this.scheduler.idle();
      await this.downloads.idle();
      await this.persisting;
    }
  }

  /** Stops local timers only: remote jobs keep running and are resumed on the next start. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.scheduler.dispose();
    await this.downloads.dispose();
    await this.persisting;
    this.changes.dispose();
  }

  // ---- internals ----

  private newJob(fields: Pick<JobRecord, 'origin' | 'state' | 'prompt' | 'options' | 'inputs' | 'outputDir' | 'baseName'> & Partial<JobRecord>): JobRecord {
    const now = this.clock.now();
    const job: JobRecord = {
      id: randomUUID(),
      createdAt: now,
      updatedAt: now,
      outputUrls: [],
      download: { state: 'none', files: [], attempts: 0 },
      ...fields,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  private find(idOrRequestId: string): JobRecord | undefined {
    return this.jobs.get(idOrRequestId) ?? [...this.jobs.values()].find((j) => j.requestId === idOrRequestId);
  }

  private async pollOnce(id: string): Promise<PollResult> {
    const job = this.jobs.get(id);
    if (!job || !needsPolling(job)) return 'done';
    const requestId = job.requestId!;
    try {
      const view = await this.deps.api.status(requestId);
      if (view.state === 'unknown') {
        await this.update(id, (j) => {
          j.remoteStatus = view.rawStatus;
          j.pollError = undefined;
        });
        return 'unchanged';
      }
      if (isFinalState(view.state)) {
        const result = await this.deps.api.result(requestId, { includeCost: true });
        if (!isFinalState(result.state)) return 'changed';
        await this.applyResult(id, result);
        return 'done';
      }
      const state: JobState = view.state === 'running' ? 'running' : 'queued';
      const before = { state: job.state, position: job.queuePosition, error: job.pollError };
      const position = state === 'queued' ? view.queuePosition : undefined;
      if (before.state === state && before.position === position && !before.error) return 'unchanged';
      await this.update(id, (j) => {
        j.state = state;
        j.remoteStatus = view.rawStatus;
        j.queuePosition = position;
        j.pollError = undefined;
        if (state === 'running' && j.startedAt === undefined) j.startedAt = this.clock.now();
      });
      return before.state !== state ? 'changed' : 'unchanged';
    } catch (error) {
      if (error instanceof NotFoundError) {
        await this.update(id, (j) => {
          j.state = 'failed';
          j.error = error.userMessage;
          j.finishedAt = this.clock.now();
        });
        return 'done';
      }
      this.logger.warn(`poll ${requestId} failed: ${error instanceof Error ? error.message : String(error)}`);
      await this.update(id, (j) => void (j.pollError = userMessageOf(error)));
      return 'error';
    }
  }

  private async applyResult(id: string, view: Awaited<ReturnType<ApiPort['result']>>): Promise<void> {
    const urls = [...view.imageUrls, ...view.videoUrls];
    await this.update(id, (j) => {
      j.remoteStatus = view.rawStatus;
      j.queuePosition = undefined;
      j.pollError = undefined;
      j.finishedAt = this.clock.now();
      if (view.cost !== undefined) j.cost = view.cost;
      if (view.state === 'succeeded') {
        j.state = 'succeeded';
        j.outputUrls = urls;
        if (urls.length > 0) {
          j.download.state = 'pending';
        } else {
          j.download.state = 'failed';
          j.download.error = t('RunComfy reported success but returned no output file.');
        }
      } else if (view.state === 'cancelled') {
        j.state = 'cancelled';
      } else {
        j.state = 'failed';
        j.error = view.error ? t('RunComfy reported the job failed: {0}', view.error) : t('RunComfy reported the job failed without a reason.');
      }
    });
    this.scheduler.untrack(id);
    if (needsDownload(this.jobs.get(id)!)) this.downloads.schedule(id, 0);
  }

  private async refreshOutputUrls(job: JobRecord): Promise<string[]> {
    const view = await this.deps.api.result(job.requestId!, { includeCost: true });
    const urls = [...view.imageUrls, ...view.videoUrls];
    return urls.length > 0 ? urls : job.outputUrls;
  }

  private async update(id: string, mutate: (job: JobRecord) => void): Promise<void> {
    const job = this.jobs.get(id);
    if (!job) return;
    const previousState = job.state;
    mutate(job);
    job.updatedAt = this.clock.now();
    await this.persist();
    this.emit(job, previousState);
  }

  private emit(job: JobRecord, previousState: JobState | undefined, removed = false): void {
    this.changes.fire({ job: clone(job), previousState, removed });
  }

  /** Writes are chained so the store always ends with the latest list, in order. */
  private persist(): Promise<void> {
    this.trimHistory();
    const snapshot = [...this.jobs.values()].map(clone);
    const write = this.persisting.then(() => this.deps.store.save(snapshot));
    this.persisting = write.catch((e) => this.logger.error(`could not store jobs: ${userMessageOf(e)}`));
    return write.catch(() => undefined);
  }

  private trimHistory(): void {
    const limit = this.deps.historyLimit ?? 200;
    if (this.jobs.size <= limit) return;
    const removable = [...this.jobs.values()].filter(isSettled).sort((a, b) => a.createdAt - b.createdAt);
    for (const job of removable.slice(0, this.jobs.size - limit)) this.jobs.delete(job.id);
  }
}

function clone(job: JobRecord): JobRecord {
  return structuredClone(job);
}
