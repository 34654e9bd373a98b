// Saves finished jobs' results apart from the jobs themselves: one download per job at a time, failures retried later without a new submit.
import { userMessageOf } from '../api/errors';
import { MODEL_ID } from '../api/schemas';
import { Clock, TimerHandle } from '../common/clock';
import { Logger } from '../common/logger';
import { JobRecord, needsDownload } from './job';
import { SaverPort } from './ports';
import { sidecarParameters } from './sidecarParameters';

export interface DownloadQueueDeps {
  saver: SaverPort;
  clock: Clock;
  logger: Logger;
  get(id: string): JobRecord | undefined;
  update(id: string, mutate: (job: JobRecord) => void): Promise<void>;
  /** Asks RunComfy for the result again, for output URLs that may have been re-signed. */
  refreshUrls(job: JobRecord): Promise<string[]>;
}

export const DOWNLOAD_RETRY = { firstMs: 15_000, maxMs: 10 * 60_000, attempts: 8 };

export class DownloadQueue {
  private readonly running = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly abort = new AbortController();

  constructor(private readonly deps: DownloadQueueDeps) {}

  schedule(id: string, delayMs: number): void {
    if (this.abort.signal.aborted) return;
    this.timers.get(id)?.cancel();
    this.timers.set(
      id,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(id);
        void this.runNow(id, false);
      }, delayMs),
    );
  }

  /** Runs the job's download now, or joins the one already running. */
  runNow(id: string, refresh: boolean): Promise<void> {
    const inFlight = this.running.get(id);
    if (inFlight) return inFlight;
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
    const run = this.run(id, refresh).finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  async dispose(): Promise<void> {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    // Aborting makes the saver remove its temp files; nothing half-written stays behind.
    this.abort.abort();
    await this.idle();
  }

  private async run(id: string, refresh: boolean): Promise<void> {
    const job = this.deps.get(id);
    if (!job || !needsDownload(job) || this.abort.signal.aborted) return;
    await this.deps.update(id, (j) => void (j.download.state = 'downloading'));

    let urls = job.outputUrls;
    if (refresh || job.download.attempts > 0) {
      try {
        urls = await this.deps.refreshUrls(job);
      } catch (e) {
        this.deps.logger.warn(`could not refresh output URLs of ${job.requestId}: ${userMessageOf(e)}`);
      }
    }
    // Files already saved are matched by position, so a re-signed URL does not save the same output twice.
    const alreadySaved: Record<string, string> = {};
    job.outputUrls.forEach((oldUrl, i) => {
      const saved = job.download.files.find((f) => f.url === oldUrl || f.url === urls[i]);
      if (saved && urls[i]) alreadySaved[urls[i]] = saved.path;
    });

    let outcome;
    try {
      outcome = await this.deps.saver.save(
        {
          requestId: job.requestId!,
          outputDir: job.outputDir,
          baseName: job.baseName,
          urls,
          alreadySaved,
          sidecar: {
            requestId: job.requestId!,
            model: MODEL_ID,
            prompt: job.prompt,
            parameters: sidecarParameters(job),
            inputs: job.inputs.map((i) => i.summary),
            submittedAt: iso(job.submittedAt),
            finishedAt: iso(job.finishedAt),
            cost: job.cost,
          },
        },
        this.abort.signal,
      );
    } catch (e) {
      outcome = { saved: [], failed: urls.map((url) => ({ url, error: e as never })) };
      this.deps.logger.error(`saving ${job.requestId} failed: ${userMessageOf(e)}`);
    }
    if (this.abort.signal.aborted) {
      await this.deps.update(id, (j) => void (j.download.state = 'pending'));
      return;
    }

    let retryIn: number | undefined;
    await this.deps.update(id, (j) => {
      j.outputUrls = urls;
      for (const file of outcome.saved) {
        if (!j.download.files.some((f) => f.path === file.path)) {
          j.download.files.push({ url: file.url, path: file.path, sidecarPath: file.sidecarPath, bytes: file.bytes });
        }
      }
      if (outcome.failed.length === 0) {
        j.download.state = 'saved';
        j.download.error = undefined;
        j.download.nextAttemptAt = undefined;
        return;
      }
      j.download.state = 'failed';
      j.download.attempts++;
      j.download.error = userMessageOf(outcome.failed[0].error);
      const retryable = outcome.failed.some((f) => (f.error as { retryable?: boolean } | undefined)?.retryable !== false);
      if (retryable && j.download.attempts < DOWNLOAD_RETRY.attempts) {
        retryIn = Math.min(DOWNLOAD_RETRY.maxMs, DOWNLOAD_RETRY.firstMs * 2 ** (j.download.attempts - 1));
        j.download.nextAttemptAt = this.deps.clock.now() + retryIn;
      } else {
        j.download.nextAttemptAt = undefined;
      }
    });
    for (const f of outcome.saved) this.deps.logger.info(`saved ${f.path} (${f.bytes} bytes)`);
    if (retryIn !== undefined) this.schedule(id, retryIn);
  }
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
