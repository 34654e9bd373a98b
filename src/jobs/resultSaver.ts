// Saves a job's output images into the output folder: allowed hosts only, no token, size-capped, never overwriting, at most once per output.
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Dispatcher } from 'undici';
import { AbortedError, DownloadError } from '../api/errors';
import { DEFAULT_READ_RETRY, type RetryPolicy, withRetry } from '../api/retry';
import type { Clock } from '../common/clock';
import { t } from '../common/l10n';
import type { Logger } from '../common/logger';
import { Downloader, refused, type TempFile, toDownloadError } from './download';
import { promptPayload } from './embeddedPrompt';
import { DEFAULT_ALLOWED_DOWNLOAD_HOSTS, hostOf, isAllowedDownloadUrl } from './hostPolicy';
import { extensionOf, type ImageFormat } from './imageMagic';
import { assertInside, outputStem, sidecarNameFor } from './naming';
import { outputFolderProblem } from './outputFolder';
import { pixelSizeOf } from './pixelSize';
import { acquireLock, type LockOptions } from './saveLock';
import { errnoOf, exists, loggableUrl, unlinkQuietly } from './saveFiles';
import { buildSidecar, describeSavedImage, findSavedOutputs, lookupSaved, type SidecarData, writeSidecarExclusive } from './sidecar';

export { isAllowedDownloadUrl } from './hostPolicy';
export type { SidecarData } from './sidecar';

export interface SaverDeps {
  /** Used for every download; never the global dispatcher, and it must not add an Authorization header. */
  dispatcher: Dispatcher;
  clock: Clock;
  logger: Logger;
  /** Patterns from `runcomfy.allowedDownloadHosts`; an empty list means the defaults. */
  allowedHosts: () => readonly string[];
  /** Whether saved PNG and JPEG results carry their prompt inside the file (runcomfy.embedPromptInResults); default no. */
  embedPrompt?: () => boolean;
  /** Size cap per file; default 200 MiB. */
  maxBytes?: number;
  retry?: RetryPolicy;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** How long to wait for another window that is saving the same request; default 30 s. */
  lockWaitMs?: number;
  /** How often to look again while waiting; default 500 ms. */
  lockPollMs?: number;
  /** Age after which a lock nobody refreshed is taken over; default 2 minutes. */
  lockStaleMs?: number;
}

export interface SaveJob {
  requestId: string;
  /** Absolute; created when missing. */
  outputDir: string;
  /** The folder `outputDir` must really be inside (see OutputPlace); undefined when the user chose it themselves. */
  outputRoot?: string;
  /** The wished stem, e.g. from the first input's file name; sanitised here. */
  baseName: string;
  /** Output URLs, in order. */
  urls: readonly string[];
  sidecar: SidecarData;
  /** url → absolute path saved earlier: skipped, never saved twice. */
  alreadySaved?: Readonly<Record<string, string>>;
}

export interface SavedFile {
  url: string;
  path: string;
  sidecarPath: string;
  bytes: number;
  format: ImageFormat;
  /** The image's pixel size, when it could be read. */
  width?: number;
  height?: number;
}

export interface SaveOutcome {
  saved: SavedFile[];
  failed: Array<{ url: string; error: DownloadError }>;
}

export const DEFAULT_MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024;
const DEFAULT_HEADERS_TIMEOUT_MS = 30_000;
const DEFAULT_BODY_TIMEOUT_MS = 60_000;
const DEFAULT_LOCK_WAIT_MS = 30_000;
const DEFAULT_LOCK_POLL_MS = 500;
const DEFAULT_LOCK_STALE_MS = 2 * 60_000;
const MAX_NAME_ATTEMPTS = 1000;

export class ResultSaver {
  private readonly maxBytes: number;
  private readonly retry: RetryPolicy;
  private readonly headersTimeoutMs: number;
  private readonly bodyTimeoutMs: number;
  private readonly lock: LockOptions;
  private readonly downloader: Downloader;

  constructor(private readonly deps: SaverDeps) {
    this.maxBytes = deps.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    this.retry = deps.retry ?? DEFAULT_READ_RETRY;
    this.headersTimeoutMs = deps.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
    this.bodyTimeoutMs = deps.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
    this.lock = {
      clock: deps.clock,
      logger: deps.logger,
      waitMs: deps.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
      pollMs: deps.lockPollMs ?? DEFAULT_LOCK_POLL_MS,
      staleMs: deps.lockStaleMs ?? DEFAULT_LOCK_STALE_MS,
    };
    this.downloader = new Downloader({
      dispatcher: deps.dispatcher,
      clock: deps.clock,
      logger: deps.logger,
      patterns: () => this.patterns(),
      maxBytes: this.maxBytes,
      headersTimeoutMs: this.headersTimeoutMs,
      bodyTimeoutMs: this.bodyTimeoutMs,
    });
  }

  /**
   * Saves every output not saved yet. Per-URL failures land in `failed` and never stop the others; an aborted
   * signal rejects with AbortedError once temp files and the lock are cleaned up (finished files keep their sidecars,
   * so a later call finds them).
   */
  async save(job: SaveJob, signal?: AbortSignal): Promise<SaveOutcome> {
    if (!path.isAbsolute(job.outputDir)) throw new Error(t('the output folder must be an absolute path: {0}', job.outputDir));
    if (signal?.aborted) throw new AbortedError();
    const dir = path.resolve(job.outputDir);
    const count = job.urls.length;
    const saved: Array<SavedFile & { index: number }> = [];
    const failed: Array<{ url: string; error: DownloadError; index: number }> = [];
    const pending: Array<{ url: string; index: number }> = [];
    const seen = new Set<string>();

    for (const [index, url] of job.urls.entries()) {
      if (seen.has(url)) continue;
      seen.add(url);
      const earlier = job.alreadySaved?.[url];
      if (earlier !== undefined) {
        const image = await describeSavedImage(earlier);
        if (image) {
          const sidecarPath = path.join(path.dirname(earlier), sidecarNameFor(path.basename(earlier)));
          saved.push({ index, url, path: earlier, sidecarPath, ...image });
        } else {
          this.deps.logger.warn(`output ${index + 1} of ${job.requestId} was saved earlier but is no longer at ${earlier}; not saving it again`);
        }
        continue;
      }
      pending.push({ url, index });
    }

    if (pending.length > 0) {
      // Checked before anything is created, and again once the folder exists: nothing is written through a link out.
      let reason = await outputFolderProblem({ outputDir: dir, outputRoot: job.outputRoot });
      if (!reason) {
        try {
          await fs.mkdir(dir, { recursive: true });
          reason = await outputFolderProblem({ outputDir: dir, outputRoot: job.outputRoot });
        } catch (error) {
          reason = t('the output folder {0} cannot be created ({1})', dir, errnoOf(error) ?? String(error));
        }
      }
      if (reason) {
        this.deps.logger.warn(`not saving ${job.requestId}: ${reason}`);
        for (const p of pending) failed.push({ ...p, error: new DownloadError(reason, p.url, 'permanent') });
        pending.length = 0;
      }
    }

    if (pending.length > 0) {
      const lock = await acquireLock(dir, job.requestId, this.lock, signal);
      try {
        // Another window, or an earlier run, may have saved some outputs already; their sidecars say so.
        const found = await findSavedOutputs(dir, job.requestId);
        const claimed = new Set(saved.map((f) => f.path));
        for (const { url, index } of pending) {
          if (signal?.aborted) throw new AbortedError();
          const existing = lookupSaved(found, url);
          if (existing && !claimed.has(existing.path)) {
            claimed.add(existing.path);
            this.deps.logger.info(`output ${index + 1} of ${job.requestId} is already saved as ${path.basename(existing.path)}`);
            saved.push({ index, ...existing, url });
            continue;
          }
          if (!lock.held) {
            failed.push({
              index,
              url,
              error: new DownloadError(t('another window is still saving this result; it will be picked up on the next try'), url, 'network'),
            });
            continue;
          }
          lock.touch();
          try {
            saved.push({ index, ...(await this.saveOne(dir, job, url, index, count, lock.touch, signal)) });
          } catch (error) {
            if (error instanceof AbortedError || signal?.aborted) throw new AbortedError();
            const downloadError = toDownloadError(error, url);
            this.deps.logger.warn(`could not save ${loggableUrl(url)}: ${downloadError.message}`);
            failed.push({ index, url, error: downloadError });
          }
        }
      } finally {
        await lock.release();
      }
    }

    saved.sort((a, b) => a.index - b.index);
    failed.sort((a, b) => a.index - b.index);
    return {
      // What is on disk, read from each file: a service may answer with another size than the one asked for.
      saved: await Promise.all(saved.map(async ({ index: _index, ...file }) => ({ ...file, ...(await pixelSizeOf(file.path)) }))),
      failed: failed.map(({ url, error }) => ({ url, error })),
    };
  }

  private patterns(): readonly string[] {
    const configured = this.deps.allowedHosts();
    return configured.length > 0 ? configured : DEFAULT_ALLOWED_DOWNLOAD_HOSTS;
  }

  private async saveOne(
    dir: string,
    job: SaveJob,
    url: string,
    index: number,
    count: number,
    touch: () => void,
    signal?: AbortSignal,
  ): Promise<SavedFile> {
    if (!isAllowedDownloadUrl(url, this.patterns())) throw refused(url);
    const started = this.deps.clock.now();
    const tempStem = outputStem(job.baseName, job.requestId, index, count);
    const embed = this.deps.embedPrompt?.() === true ? promptPayload(job.sidecar) : undefined;
    const temp = await withRetry(() => this.downloader.fetchToTemp(dir, tempStem, url, touch, signal, embed), {
      policy: this.retry,
      clock: this.deps.clock,
      signal,
      onRetry: (error, attempt, delayMs) => {
        touch();
        this.deps.logger.info(`retrying download ${attempt}/${this.retry.retries} of ${loggableUrl(url)} in ${delayMs} ms: ${error.message}`);
      },
    });
    try {
      const file = await this.place(dir, job, temp, url, index, count);
      this.deps.logger.info(
        `downloaded ${hostOf(url)}: ${file.bytes} bytes in ${this.deps.clock.now() - started} ms → ${path.basename(file.path)}`,
      );
      return file;
    } finally {
      await unlinkQuietly(temp.path);
    }
  }

  /** Moves the temp file to the first free name; a name or its sidecar name already taken means the next suffix. */
  private async place(dir: string, job: SaveJob, temp: TempFile, url: string, index: number, count: number): Promise<SavedFile> {
    for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      const name = `${outputStem(job.baseName, job.requestId, index, count, attempt)}.${extensionOf(temp.format)}`;
      const finalPath = assertInside(dir, name);
      const sidecarPath = assertInside(dir, sidecarNameFor(name));
      if (await exists(sidecarPath)) continue;
      if (!(await this.linkExclusive(temp.path, finalPath, url))) continue;
      const record = buildSidecar(job.sidecar, { url, index, count }, name, new Date(this.deps.clock.now()).toISOString());
      try {
        await writeSidecarExclusive(sidecarPath, record);
      } catch (error) {
        // The image was created a moment ago by this call, so taking it back cannot lose anyone's file.
        await unlinkQuietly(finalPath);
        if (errnoOf(error) === 'EEXIST') continue;
        throw new DownloadError(t('the sidecar {0} cannot be written ({1})', path.basename(sidecarPath), errnoOf(error) ?? String(error)), url, 'permanent');
      }
      return { url, path: finalPath, sidecarPath, bytes: temp.bytes, format: temp.format };
    }
    throw new DownloadError(t('no free file name was found in {0}', dir), url, 'permanent');
  }

  /** True when `finalPath` now holds the file; false when the name is taken. link() and COPYFILE_EXCL never replace. */
  private async linkExclusive(tempPath: string, finalPath: string, url: string): Promise<boolean> {
    try {
      await fs.link(tempPath, finalPath);
      return true;
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') return false;
      // Some file systems (FAT, exFAT, some network shares) have no hard links; an exclusive copy is the fallback.
    }
    try {
      await fs.copyFile(tempPath, finalPath, fsConstants.COPYFILE_EXCL);
      return true;
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') return false;
      await unlinkQuietly(finalPath);
      throw new DownloadError(t('the file cannot be written to {0} ({1})', path.dirname(finalPath), errnoOf(error) ?? String(error)), url, 'permanent');
    }
  }
}
