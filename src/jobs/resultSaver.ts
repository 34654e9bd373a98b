// Downloads a job's output images into the output folder: allowed hosts only, no token, size-capped, never overwriting, at most once per output.
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, createWriteStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request, type Dispatcher } from 'undici';
import { parseRetryAfter } from '../api/errorMapping';
import {
  AbortedError,
  DownloadError,
  NetworkError,
  RateLimitError,
  RunComfyError,
  ServerError,
  TimeoutError,
} from '../api/errors';
import { DEFAULT_READ_RETRY, RetryPolicy, withRetry } from '../api/retry';
import { Clock, sleep } from '../common/clock';
import { t } from '../common/l10n';
import { Logger } from '../common/logger';
import { ALLOWED_HOSTS_SETTING, DEFAULT_ALLOWED_DOWNLOAD_HOSTS, hostOf, isAllowedDownloadUrl } from './hostPolicy';
import {
  extensionOf,
  ImageFormat,
  looksComplete,
  looksLikeText,
  MAGIC_BYTES_NEEDED,
  sniffImageFormat,
  TAIL_BYTES_NEEDED,
} from './imageMagic';
import { assertInside, lockNameFor, outputStem, sanitizeStem, sidecarNameFor, tempNameFor } from './naming';
import {
  buildSidecar,
  describeSavedImage,
  findSavedOutputs,
  lookupSaved,
  SidecarData,
  writeSidecarExclusive,
} from './sidecar';

export { isAllowedDownloadUrl } from './hostPolicy';
export type { SidecarData } from './sidecar';

export interface SaverDeps {
  /** Used for every download; never the global dispatcher, and it must not add an Authorization header. */
  dispatcher: Dispatcher;
  clock: Clock;
  logger: Logger;
  /** Patterns from `runcomfy.allowedDownloadHosts`; an empty list means the defaults. */
  allowedHosts: () => readonly string[];
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
}

export interface SaveOutcome {
  saved: SavedFile[];
  failed: Array<{ url: string; error: RunComfyError }>;
}

export const DEFAULT_MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024;
const DEFAULT_HEADERS_TIMEOUT_MS = 30_000;
const DEFAULT_BODY_TIMEOUT_MS = 60_000;
const DEFAULT_LOCK_WAIT_MS = 30_000;
const DEFAULT_LOCK_POLL_MS = 500;
const DEFAULT_LOCK_STALE_MS = 2 * 60_000;
const MAX_REDIRECTS = 5;
/** Big enough that the disk writes large blocks while the next ones arrive; also the most a download holds in memory. */
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024;
const MAX_NAME_ATTEMPTS = 1000;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

interface TempFile {
  path: string;
  bytes: number;
  format: ImageFormat;
}

interface LockHandle {
  /** False when the lock could not be taken in time: nothing may be downloaded then. */
  readonly held: boolean;
  /** Keeps the lock fresh so other windows do not take it over during a long download; cheap to call often. */
  touch(): void;
  release(): Promise<void>;
}

function errnoOf(error: unknown): string | undefined {
  return error && typeof error === 'object' ? (error as NodeJS.ErrnoException).code : undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function mib(bytes: number): string {
  if (bytes < 1024 * 1024) return t('{0} KB', Math.ceil(bytes / 1024));
  return t('{0} MB', (bytes / (1024 * 1024)).toFixed(1));
}

/** Host and path, without a query that may carry a signature: what a log line may show. */
function loggableUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return hostOf(url);
  }
}

async function unlinkQuietly(filePath: string): Promise<void> {
  try {
    await fs.unlink(filePath);
  } catch {
    // Already gone, or never created: either way nothing is left behind.
  }
}

async function exists(filePath: string): Promise<boolean> {
  try {
    await fs.lstat(filePath);
    return true;
  } catch (error) {
    return errnoOf(error) !== 'ENOENT';
  }
}

function refused(url: string): DownloadError {
  return new DownloadError(
    t('{0} is not an allowed download host; add it to the setting {1} if you trust it', hostOf(url), ALLOWED_HOSTS_SETTING),
    url,
    false,
  );
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
}

export class ResultSaver {
  private readonly maxBytes: number;
  private readonly retry: RetryPolicy;
  private readonly headersTimeoutMs: number;
  private readonly bodyTimeoutMs: number;
  private readonly lockWaitMs: number;
  private readonly lockPollMs: number;
  private readonly lockStaleMs: number;

  constructor(private readonly deps: SaverDeps) {
    this.maxBytes = deps.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    this.retry = deps.retry ?? DEFAULT_READ_RETRY;
    this.headersTimeoutMs = deps.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
    this.bodyTimeoutMs = deps.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
    this.lockWaitMs = deps.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    this.lockPollMs = deps.lockPollMs ?? DEFAULT_LOCK_POLL_MS;
    this.lockStaleMs = deps.lockStaleMs ?? DEFAULT_LOCK_STALE_MS;
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
    const failed: Array<{ url: string; error: RunComfyError; index: number }> = [];
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
      try {
        await fs.mkdir(dir, { recursive: true });
      } catch (error) {
        const reason = t('the output folder {0} cannot be created ({1})', dir, errnoOf(error) ?? String(error));
        for (const p of pending) failed.push({ ...p, error: new DownloadError(reason, p.url, false) });
        pending.length = 0;
      }
    }

    if (pending.length > 0) {
      const lock = await this.acquireLock(dir, job.requestId, signal);
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
              error: new DownloadError(t('another window is still saving this result; it will be picked up on the next try'), url, true),
            });
            continue;
          }
          lock.touch();
          try {
            saved.push({ index, ...(await this.saveOne(dir, job, url, index, count, lock.touch, signal)) });
          } catch (error) {
            if (error instanceof AbortedError || signal?.aborted) throw new AbortedError();
            const downloadError = this.toDownloadError(error, url);
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
      saved: saved.map(({ index: _index, ...file }) => file),
      failed: failed.map(({ url, error }) => ({ url, error })),
    };
  }

  private patterns(): readonly string[] {
    const configured = this.deps.allowedHosts();
    return configured.length > 0 ? configured : DEFAULT_ALLOWED_DOWNLOAD_HOSTS;
  }

  private toDownloadError(error: unknown, url: string): DownloadError {
    if (error instanceof DownloadError) return error;
    if (error instanceof RunComfyError) return new DownloadError(error.message, url, error.retryable);
    const text = error instanceof Error ? error.message : String(error);
    return new DownloadError(text, url, false);
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
    const temp = await withRetry(() => this.fetchToTemp(dir, tempStem, url, touch, signal), {
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

  /** One attempt: follows redirects only to allowed hosts, streams the body to a hidden temp file, checks it. */
  private async fetchToTemp(dir: string, stem: string, url: string, touch: () => void, signal?: AbortSignal): Promise<TempFile> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const response = await this.get(current, signal);
      const status = response.statusCode;
      if (REDIRECT_STATUSES.has(status)) {
        await response.body.dump().catch(() => undefined);
        const location = headerValue(response.headers.location);
        if (!location) throw new DownloadError(t('{0} redirected without saying where (HTTP {1})', hostOf(current), status), url, false);
        if (hop >= MAX_REDIRECTS) throw new DownloadError(t('too many redirects from {0}', hostOf(url)), url, false);
        let next: string;
        try {
          next = new URL(location, current).href;
        } catch {
          throw new DownloadError(t('{0} redirected to an invalid address', hostOf(current)), url, false);
        }
        // Every hop is checked again, so a redirect can never lead a download off the allowed hosts or onto plain http.
        if (!isAllowedDownloadUrl(next, this.patterns())) throw refused(next);
        this.deps.logger.debug(`${loggableUrl(current)} redirects to ${loggableUrl(next)}`);
        current = next;
        continue;
      }
      if (status !== 200) {
        await response.body.dump().catch(() => undefined);
        throw this.statusError(status, response.headers['retry-after'], current, url);
      }
      return this.streamToTemp(response, dir, stem, url, touch, signal);
    }
  }

  private async get(url: string, signal?: AbortSignal): Promise<Dispatcher.ResponseData> {
    try {
      return await request(url, {
        dispatcher: this.deps.dispatcher,
        method: 'GET',
        // Deliberately no Authorization: output files are public, and the token must never travel to a storage host.
        headers: { accept: 'image/png,image/jpeg,image/webp,image/gif;q=0.9,*/*;q=0.1', 'accept-encoding': 'identity' },
        signal,
        headersTimeout: this.headersTimeoutMs,
        bodyTimeout: this.bodyTimeoutMs,
      });
    } catch (error) {
      throw this.transportError(error, url, signal);
    }
  }

  private transportError(error: unknown, url: string, signal?: AbortSignal): RunComfyError {
    if (signal?.aborted) return new AbortedError();
    if (error instanceof RunComfyError) return error;
    const code = errnoOf(error);
    const host = hostOf(url);
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
      case 'UND_ERR_HEADERS_TIMEOUT':
      case 'UND_ERR_BODY_TIMEOUT':
        return new TimeoutError(t('{0} did not answer in time', host));
      case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
        return new DownloadError(t('the download from {0} was cut short', host), url, true);
      default:
        return new NetworkError(t('the connection to {0} failed ({1})', host, code ?? (error instanceof Error ? error.message : String(error))), code);
    }
  }

  private statusError(status: number, retryAfter: string | string[] | undefined, current: string, url: string): RunComfyError {
    const host = hostOf(current);
    const after = parseRetryAfter(headerValue(retryAfter), this.deps.clock.now());
    if (status === 429) return new RateLimitError(t('{0} is rate limiting downloads (HTTP 429)', host), after, status);
    if (status >= 500) return new ServerError(t('{0} answered HTTP {1}', host, status), status, undefined, after);
    if (status === 408) return new TimeoutError(t('{0} timed out the download (HTTP 408)', host));
    if (status === 404 || status === 410) {
      return new DownloadError(t('{0} answered HTTP {1}: the file is gone (result files expire after a while)', host, status), url, false);
    }
    if (status === 401 || status === 403) {
      return new DownloadError(t('{0} refused the download (HTTP {1}); the link may have expired', host, status), url, false);
    }
    return new DownloadError(t('{0} answered HTTP {1}', host, status), url, false);
  }

  private async streamToTemp(
    response: Dispatcher.ResponseData,
    dir: string,
    stem: string,
    url: string,
    touch: () => void,
    signal?: AbortSignal,
  ): Promise<TempFile> {
    const host = hostOf(url);
    const declared = Number(headerValue(response.headers['content-length']));
    const contentLength = Number.isFinite(declared) && declared >= 0 ? declared : undefined;
    if (contentLength !== undefined && contentLength > this.maxBytes) {
      response.body.destroy();
      throw new DownloadError(t('the file from {0} is {1}, over the {2} limit', host, mib(contentLength), mib(this.maxBytes)), url, false);
    }

    const tempPath = assertInside(dir, tempNameFor(sanitizeStem(stem)));
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(tempPath, 'wx');
    } catch (error) {
      response.body.destroy();
      throw new DownloadError(t('a file cannot be written in {0} ({1})', dir, errnoOf(error) ?? String(error)), url, false);
    }
    let kept = false;
    try {
      let total = 0;
      let head = Buffer.alloc(0);
      let tail = Buffer.alloc(0);
      // One pipeline: the network and the disk work at the same time, and backpressure keeps memory bounded by the
      // write stream's buffer, whatever the file size.
      const check = new Transform({
        transform: (raw: Buffer, _encoding, done) => {
          touch();
          total += raw.length;
          if (total > this.maxBytes) {
            done(new DownloadError(t('the file from {0} is larger than the {1} limit', host, mib(this.maxBytes)), url, false));
            return;
          }
          if (head.length < MAGIC_BYTES_NEEDED) head = Buffer.concat([head, raw.subarray(0, MAGIC_BYTES_NEEDED - head.length)]);
          tail = Buffer.from(Buffer.concat([tail, raw.subarray(-TAIL_BYTES_NEEDED)]).subarray(-TAIL_BYTES_NEEDED));
          done(null, raw);
        },
      });
      // The stream owns the handle and closes it, flushed to disk, when it ends or fails: a stream given a FileHandle
      // holds a reference on it until it closes, so with autoClose off handle.close() below would never settle.
      // No fsync: like curl and editors, the page cache writes the file out. The temp file + link scheme still means a
      // crash of this process never leaves a partial result under its final name.
      const sink = createWriteStream('', { fd: handle, highWaterMark: WRITE_BUFFER_BYTES });
      let writeFailed: unknown;
      sink.on('error', (error) => (writeFailed ??= error));
      try {
        await pipeline(response.body, check, sink, { signal });
      } catch (error) {
        response.body.destroy();
        if (writeFailed !== undefined && !(error instanceof DownloadError)) {
          throw new DownloadError(t('writing to {0} failed ({1})', dir, errnoOf(writeFailed) ?? String(writeFailed)), url, false);
        }
        throw this.transportError(error, url, signal);
      }

      if (total === 0) throw new DownloadError(t('{0} sent an empty file', host), url, true);
      if (contentLength !== undefined && total < contentLength) {
        throw new DownloadError(t('the download from {0} was cut short ({1} of {2} bytes)', host, total, contentLength), url, true);
      }
      const format = sniffImageFormat(head);
      if (!format) {
        throw new DownloadError(
          looksLikeText(head)
            ? t('{0} sent a web page or text instead of an image', host)
            : t('what {0} sent is not a PNG, JPEG, WEBP or GIF image', host),
          url,
          false,
        );
      }
      if (!looksComplete(format, head, tail, total)) {
        throw new DownloadError(t('the {0} from {1} ends early; the download was cut short', format.toUpperCase(), host), url, true);
      }
      kept = true;
      return { path: tempPath, bytes: total, format };
    } finally {
      await handle.close().catch(() => undefined);
      if (!kept) await unlinkQuietly(tempPath);
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
        throw new DownloadError(t('the sidecar {0} cannot be written ({1})', path.basename(sidecarPath), errnoOf(error) ?? String(error)), url, false);
      }
      return { url, path: finalPath, sidecarPath, bytes: temp.bytes, format: temp.format };
    }
    throw new DownloadError(t('no free file name was found in {0}', dir), url, false);
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
      throw new DownloadError(t('the file cannot be written to {0} ({1})', path.dirname(finalPath), errnoOf(error) ?? String(error)), url, false);
    }
  }

  // ---- one saver at a time per request, across windows ----

  private async acquireLock(dir: string, requestId: string, signal?: AbortSignal): Promise<LockHandle> {
    const lockPath = assertInside(dir, lockNameFor(requestId));
    const token = randomBytes(8).toString('hex');
    const deadline = this.deps.clock.now() + this.lockWaitMs;
    let announced = false;
    for (;;) {
      try {
        await fs.writeFile(lockPath, JSON.stringify({ pid: process.pid, hostname: os.hostname(), token, createdAt: new Date().toISOString() }), {
          flag: 'wx',
        });
        return this.heldLock(lockPath, token);
      } catch (error) {
        if (errnoOf(error) !== 'EEXIST') {
          // No lock can be made here (e.g. a read-only folder): saving goes on without it and fails on its own terms.
          this.deps.logger.warn(`cannot create ${path.basename(lockPath)} (${errnoOf(error) ?? String(error)}); saving without a lock`);
          return { held: true, touch: () => undefined, release: async () => undefined };
        }
      }
      if (await this.takeOverIfStale(lockPath)) continue;
      if (this.deps.clock.now() >= deadline) {
        this.deps.logger.warn(`another window is still saving ${requestId}; gave up waiting after ${this.lockWaitMs} ms`);
        return { held: false, touch: () => undefined, release: async () => undefined };
      }
      if (!announced) {
        this.deps.logger.info(`another window is saving ${requestId}; waiting for it`);
        announced = true;
      }
      try {
        await sleep(this.deps.clock, this.lockPollMs, signal);
      } catch {
        throw new AbortedError();
      }
    }
  }

  private async takeOverIfStale(lockPath: string): Promise<boolean> {
    let reason: string | undefined;
    try {
      const stat = await fs.stat(lockPath);
      // File times are wall-clock times, so they are compared with the wall clock, not the injected one.
      if (Date.now() - stat.mtimeMs > this.lockStaleMs) reason = 'it is older than the stale limit';
      if (!reason) {
        const info = JSON.parse(await fs.readFile(lockPath, 'utf8')) as { pid?: unknown; hostname?: unknown };
        if (info.hostname === os.hostname() && typeof info.pid === 'number' && !isPidAlive(info.pid)) {
          reason = `its process ${info.pid} has ended`;
        }
      }
    } catch (error) {
      // Gone in the meantime: trying again will simply take it.
      if (errnoOf(error) === 'ENOENT') return true;
      // Unreadable or half-written content: judged by age alone, which was checked above.
    }
    if (!reason) return false;
    try {
      await fs.unlink(lockPath);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') return false;
    }
    this.deps.logger.info(`took over ${path.basename(lockPath)}: ${reason}`);
    return true;
  }

  private heldLock(lockPath: string, token: string): LockHandle {
    let lastTouch = Date.now();
    return {
      held: true,
      // Refreshed from the download loop rather than a timer: no timer to leak, and a stalled download stops refreshing.
      touch: () => {
        const now = Date.now();
        if (now - lastTouch < this.lockStaleMs / 4) return;
        lastTouch = now;
        void fs.utimes(lockPath, new Date(now), new Date(now)).catch(() => undefined);
      },
      release: async () => {
        try {
          const info = JSON.parse(await fs.readFile(lockPath, 'utf8')) as { token?: unknown };
          // A lock taken over by someone else after ours went stale is theirs to remove.
          if (info.token === token) await fs.unlink(lockPath);
        } catch {
          // Already removed: nothing to release.
        }
      },
    };
  }
}
