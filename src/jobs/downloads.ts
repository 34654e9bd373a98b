// Saves finished jobs' outputs apart from the jobs themselves: a few at a time, expired links refreshed once, failures retried only when that can help.
import { AbortedError, DownloadError, userMessageOf } from '../api/errors';
import { MODEL_ID, SIZE_KEY } from '../api/schemas';
import type { Clock, TimerHandle } from '../common/clock';
import type { Logger } from '../common/logger';
import { removedData } from '../imaging/fitSummary';
import type { JobWithOutputs, SavingJob } from './job';
import type { JobTable } from './jobTable';
import type { SaverPort } from './ports';
import type { SavedFile, SaveJob, SidecarData } from './resultSaver';
import type { Instant } from './transitions';

export const DOWNLOAD_RETRY = { firstMs: 15_000, maxMs: 10 * 60_000, attempts: 8 };
/** Saves running at once; the rest wait their turn (after a reload many may be due together). */
export const DOWNLOAD_CONCURRENCY = 2;

export interface DownloadQueueDeps {
  saver: SaverPort;
  table: JobTable;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  instant(): Instant;
  /** Asks RunComfy for the result again, for output URLs that may have been re-signed; undefined when it cannot. */
  refreshUrls(job: JobWithOutputs): Promise<string[] | undefined>;
}

/** Whether a job in `saveFailed` may be retried without the user asking: the failure can pass, and attempts remain. */
export function retriesOnItsOwn(job: { state: string; retryable?: boolean; attempts?: number }): boolean {
  return job.state === 'saveFailed' && job.retryable === true && (job.attempts ?? 0) < DOWNLOAD_RETRY.attempts;
}

export function retryDelay(attempts: number): number {
  return Math.min(DOWNLOAD_RETRY.maxMs, DOWNLOAD_RETRY.firstMs * 2 ** Math.max(0, attempts - 1));
}

export class DownloadQueue {
  private readonly running = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly waiting: string[] = [];

  constructor(private readonly deps: DownloadQueueDeps) {}

  /** Saves the job's outputs after `delayMs`, when a slot is free. */
  schedule(id: string, delayMs = 0): void {
    if (this.deps.signal.aborted) return;
    this.timers.get(id)?.cancel();
    this.timers.set(
      id,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(id);
        this.enqueue(id);
      }, delayMs),
    );
  }

  /** The user asked: runs now (no slot needed), or joins the save already running. */
  runNow(id: string): Promise<void> {
    const inFlight = this.running.get(id);
    if (inFlight) return inFlight;
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
    const at = this.waiting.indexOf(id);
    if (at >= 0) this.waiting.splice(at, 1);
    return this.start(id, true);
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Stops timers and waits for running saves, which the engine's aborted signal has told to clean up and stop. */
  async dispose(): Promise<void> {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.waiting.length = 0;
    await this.idle();
  }

  private enqueue(id: string): void {
    if (this.deps.signal.aborted || this.running.has(id) || this.waiting.includes(id)) return;
    this.waiting.push(id);
    this.pump();
  }

  private pump(): void {
    while (this.running.size < DOWNLOAD_CONCURRENCY && this.waiting.length > 0) void this.start(this.waiting.shift()!, false);
  }

  private start(id: string, manual: boolean): Promise<void> {
    const run = this.run(id, manual)
      .catch((e) => this.deps.logger.error(`saving ${id} failed unexpectedly: ${userMessageOf(e)}`))
      .finally(() => {
        this.running.delete(id);
        this.pump();
      });
    this.running.set(id, run);
    return run;
  }

  private async run(id: string, manual: boolean): Promise<void> {
    const { table, signal } = this.deps;
    let job = table.get(id);
    if (!job || signal.aborted) return;
    if (job.state === 'saveFailed' && (manual || retriesOnItsOwn(job))) {
      job = await table.apply(id, { type: 'retrySave', at: this.deps.instant() });
    }
    if (job?.state !== 'saving') return;

    // A retry first asks for fresh links: signed storage URLs may have expired since the last try.
    const refreshed = manual || job.attempts > 0;
    let urls = refreshed ? ((await this.refresh(job)) ?? job.outputUrls) : job.outputUrls;
    let { saved, failed } = await this.save(job, urls);
    if (signal.aborted) return;
    if (!refreshed && failed.some((f) => f.error.failure === 'expired')) {
      const fresh = await this.refresh(job);
      if (fresh && fresh.join('\n') !== urls.join('\n')) {
        urls = fresh;
        const again = await this.save({ ...job, files: [...job.files, ...saved] }, urls);
        if (signal.aborted) return;
        saved = [...saved, ...again.saved];
        failed = again.failed;
      }
    }

    const first = failed[0]?.error;
    const failure = first
      ? {
          error: first.userMessage,
          // Expired links that fresh ones did not fix, like any permanent failure, will not pass by waiting.
          retryable: failed.some((f) => f.error.failure === 'network'),
        }
      : undefined;
    const next = await table.apply(id, {
      type: 'saveEnded',
      files: saved.map((f) => ({ url: f.url, path: f.path, sidecarPath: f.sidecarPath, bytes: f.bytes, ...(f.width && f.height ? { width: f.width, height: f.height } : {}) })),
      outputUrls: urls,
      failure,
      at: this.deps.instant(),
    });
    for (const f of saved) this.deps.logger.info(`saved ${f.path} (${f.bytes} bytes)`);
    if (next && retriesOnItsOwn(next) && next.state === 'saveFailed') {
      const delay = retryDelay(next.attempts);
      this.deps.logger.info(`saving ${next.requestId} failed (${failure?.error}); trying again in ${Math.round(delay / 1000)} s`);
      this.schedule(id, delay);
    }
  }

  private async refresh(job: JobWithOutputs): Promise<string[] | undefined> {
    try {
      return await this.deps.refreshUrls(job);
    } catch (e) {
      this.deps.logger.warn(`could not refresh output URLs of ${job.requestId}: ${userMessageOf(e)}`);
      return undefined;
    }
  }

  private async save(job: SavingJob, urls: string[]): Promise<{ saved: SavedFile[]; failed: Array<{ url: string; error: DownloadError }> }> {
    // Files already saved are matched by position, so a re-signed URL does not save the same output twice.
    const alreadySaved: Record<string, string> = {};
    job.outputUrls.forEach((oldUrl, i) => {
      const saved = job.files.find((f) => f.url === oldUrl || f.url === urls[i]);
      if (saved && urls[i]) alreadySaved[urls[i]] = saved.path;
    });
    for (const f of job.files) if (urls.includes(f.url)) alreadySaved[f.url] = f.path;
    const request: SaveJob = { requestId: job.requestId, outputDir: job.outputDir, outputRoot: job.outputRoot, baseName: job.baseName, urls, alreadySaved, sidecar: sidecarFor(job) };
    try {
      return await this.deps.saver.save(request, this.deps.signal);
    } catch (e) {
      if (e instanceof AbortedError || this.deps.signal.aborted) return { saved: [], failed: [] };
      this.deps.logger.error(`saving ${job.requestId} failed: ${userMessageOf(e)}`);
      const error = e instanceof DownloadError ? e : new DownloadError(userMessageOf(e), urls[0] ?? '', 'permanent');
      return { saved: [], failed: urls.map((url) => ({ url, error })) };
    }
  }
}

/** What a sidecar records: readable options for people, and the API body as it was sent (image data summarised). */
export function sidecarFor(job: JobWithOutputs): SidecarData {
  const apiRequest: Record<string, unknown> = { image_urls: job.inputs.map((i) => i.summary), prompt: job.prompt };
  if (job.options.size !== undefined) apiRequest[SIZE_KEY] = job.options.size;
  if (job.options.scale !== undefined) apiRequest.scale = job.options.scale;
  if (job.options.forceSingle !== undefined) apiRequest.force_single = job.options.forceSingle;
  return {
    requestId: job.requestId,
    model: MODEL_ID,
    prompt: job.prompt,
    size: job.options.size,
    scale: job.options.scale,
    forceSingle: job.options.forceSingle,
    inputs: job.inputs.map((i) => i.summary),
    submittedAt: iso(job.submittedAt),
    finishedAt: iso(job.finishedAt),
    cost: job.cost,
    apiRequest,
    fittedInputs: job.inputs.flatMap((i) =>
      i.fitted ? [{ source: i.label, original: i.fitted.original, sent: i.fitted.sent, removed: removedData(i.fitted.changes), changes: i.fitted.changes }] : [],
    ),
  };
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
