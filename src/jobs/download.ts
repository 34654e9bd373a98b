// One download attempt: follows redirects only to allowed hosts, streams the body to a hidden temp file, and names each failure by its cause.
import { createWriteStream, promises as fs } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request, type Dispatcher } from 'undici';
import { parseRetryAfter } from '../api/errorMapping';
import { AbortedError, DownloadError, NetworkError, RateLimitError, RunComfyError, ServerError, TimeoutError } from '../api/errors';
import type { Clock } from '../common/clock';
import { embedPromptStream, type PromptPayload } from '../imaging/embedStream';
import { t } from '../common/l10n';
import type { Logger } from '../common/logger';
import { ALLOWED_HOSTS_SETTING, hostOf, isAllowedDownloadUrl } from './hostPolicy';
import { type ImageFormat, looksComplete, looksLikeText, MAGIC_BYTES_NEEDED, sniffImageFormat, TAIL_BYTES_NEEDED } from './imageMagic';
import { assertInside, sanitizeStem, tempNameFor } from './naming';
import { errnoOf, headerValue, loggableUrl, mib, unlinkQuietly } from './saveFiles';

export interface TempFile {
  path: string;
  bytes: number;
  format: ImageFormat;
}

export interface DownloaderOptions {
  dispatcher: Dispatcher;
  clock: Clock;
  logger: Logger;
  patterns: () => readonly string[];
  maxBytes: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

const MAX_REDIRECTS = 5;
/** Big enough that the disk writes large blocks while the next ones arrive; also the most a download holds in memory. */
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Error codes of a connection that broke, whatever layer reported them. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENETDOWN', 'ENETUNREACH', 'EHOSTUNREACH']);

export function refused(url: string): DownloadError {
  return new DownloadError(
    t('{0} is not an allowed download host; add it to the setting {1} if you trust it', hostOf(url), ALLOWED_HOSTS_SETTING),
    url,
    'permanent',
  );
}

/** A failure of the disk (full, read-only, no permission), as opposed to one of the connection. */
function isDiskError(error: unknown): boolean {
  const code = errnoOf(error) ?? '';
  const syscall = (error as NodeJS.ErrnoException | undefined)?.syscall;
  return typeof syscall === 'string' && !code.startsWith('UND_ERR') && !NETWORK_CODES.has(code);
}

/** Any failure as a DownloadError that says whether trying again can help. */
export function toDownloadError(error: unknown, url: string): DownloadError {
  if (error instanceof DownloadError) return error;
  if (error instanceof RunComfyError) return new DownloadError(error.message, url, error.retryable ? 'network' : 'permanent');
  return new DownloadError(error instanceof Error ? error.message : String(error), url, 'permanent');
}

export class Downloader {
  constructor(private readonly options: DownloaderOptions) {}

  /** One attempt at `url` into a temp file in `dir`; the caller retries it when the error says that can help. */
  /** `embed`, when given, is written into a PNG or JPEG on its way to the temp file (see embedStream). */
  async fetchToTemp(dir: string, stem: string, url: string, touch: () => void, signal?: AbortSignal, embed?: PromptPayload): Promise<TempFile> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const response = await this.get(current, signal);
      const status = response.statusCode;
      if (REDIRECT_STATUSES.has(status)) {
        await response.body.dump().catch(() => undefined);
        const location = headerValue(response.headers.location);
        if (!location) throw new DownloadError(t('{0} redirected without saying where (HTTP {1})', hostOf(current), status), url, 'permanent');
        if (hop >= MAX_REDIRECTS) throw new DownloadError(t('too many redirects from {0}', hostOf(url)), url, 'permanent');
        let next: string;
        try {
          next = new URL(location, current).href;
        } catch {
          throw new DownloadError(t('{0} redirected to an invalid address', hostOf(current)), url, 'permanent');
        }
        // Every hop is checked again, so a redirect can never lead a download off the allowed hosts or onto plain http.
        if (!isAllowedDownloadUrl(next, this.options.patterns())) throw refused(next);
        this.options.logger.debug(`${loggableUrl(current)} redirects to ${loggableUrl(next)}`);
        current = next;
        continue;
      }
      if (status !== 200) {
        await response.body.dump().catch(() => undefined);
        throw this.statusError(status, response.headers['retry-after'], current, url);
      }
      return this.streamToTemp(response, dir, stem, url, touch, signal, embed);
    }
  }

  private async get(url: string, signal?: AbortSignal): Promise<Dispatcher.ResponseData> {
    try {
      return await request(url, {
        dispatcher: this.options.dispatcher,
        method: 'GET',
        // Deliberately no Authorization: output files are public, and the token must never travel to a storage host.
        headers: { accept: 'image/png,image/jpeg,image/webp,image/gif;q=0.9,*/*;q=0.1', 'accept-encoding': 'identity' },
        signal,
        headersTimeout: this.options.headersTimeoutMs,
        bodyTimeout: this.options.bodyTimeoutMs,
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
      case 'UND_ERR_SOCKET':
      case 'ECONNRESET':
      case 'ERR_STREAM_PREMATURE_CLOSE':
        return new DownloadError(t('the connection to {0} closed before the whole file arrived', host), url, 'network');
      case undefined:
        return new NetworkError(t('the connection to {0} failed ({1})', host, error instanceof Error ? error.message : String(error)), code);
      default:
        return new NetworkError(t('the connection to {0} failed ({1})', host, code), code);
    }
  }

  private statusError(status: number, retryAfter: string | string[] | undefined, current: string, url: string): RunComfyError {
    const host = hostOf(current);
    const after = parseRetryAfter(headerValue(retryAfter), this.options.clock.now());
    if (status === 429) return new RateLimitError(t('{0} is rate limiting downloads (HTTP 429)', host), after, status);
    if (status >= 500) return new ServerError(t('{0} answered HTTP {1}', host, status), status, undefined, after);
    if (status === 408) return new TimeoutError(t('{0} timed out the download (HTTP 408)', host));
    if (status === 404 || status === 410 || status === 401 || status === 403) {
      // Signed storage links answer these once they expire; /result may hand out fresh ones.
      return new DownloadError(t('{0} answered HTTP {1}: the download link has expired', host, status), url, 'expired');
    }
    return new DownloadError(t('{0} answered HTTP {1}', host, status), url, 'permanent');
  }

  private async streamToTemp(
    response: Dispatcher.ResponseData,
    dir: string,
    stem: string,
    url: string,
    touch: () => void,
    signal?: AbortSignal,
    embed?: PromptPayload,
  ): Promise<TempFile> {
    const { maxBytes } = this.options;
    const host = hostOf(url);
    const declared = Number(headerValue(response.headers['content-length']));
    const contentLength = Number.isFinite(declared) && declared >= 0 ? declared : undefined;
    if (contentLength !== undefined && contentLength > maxBytes) {
      response.body.destroy();
      throw new DownloadError(t('the file from {0} is {1}, over the {2} limit', host, mib(contentLength), mib(maxBytes)), url, 'permanent');
    }

    const tempPath = assertInside(dir, tempNameFor(sanitizeStem(stem)));
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(tempPath, 'wx');
    } catch (error) {
      response.body.destroy();
      throw new DownloadError(t('a file cannot be written in {0} ({1})', dir, errnoOf(error) ?? String(error)), url, 'permanent');
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
          if (total > maxBytes) {
            done(new DownloadError(t('the file from {0} is larger than the {1} limit', host, mib(maxBytes)), url, 'permanent'));
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
      // The prompt goes in while the temp file is written; the checks above still see the bytes as they arrived.
      const embedder = embed ? embedPromptStream(embed) : undefined;
      // Which side failed first decides the cause: a pipeline passes one stream's error on to all the others, so a
      // dropped connection also shows up as an error of the file stream.
      let readFailed: Error | undefined;
      let writeFailed: Error | undefined;
      response.body.on('error', (error) => (readFailed ??= error));
      sink.on('error', (error) => (writeFailed ??= error));
      try {
        if (embedder) await pipeline(response.body, check, embedder.stream, sink, { signal });
        else await pipeline(response.body, check, sink, { signal });
      } catch (error) {
        response.body.destroy();
        if (error instanceof DownloadError) throw error;
        if (signal?.aborted) throw new AbortedError();
        if (readFailed === undefined && writeFailed !== undefined && isDiskError(writeFailed)) {
          throw new DownloadError(t('writing to {0} failed ({1})', dir, errnoOf(writeFailed) ?? writeFailed.message), url, 'permanent');
        }
        throw this.transportError(readFailed ?? error, url, signal);
      }

      if (total === 0) throw new DownloadError(t('{0} sent an empty file', host), url, 'network');
      if (contentLength !== undefined && total < contentLength) {
        throw new DownloadError(t('the download from {0} was cut short ({1} of {2} bytes)', host, total, contentLength), url, 'network');
      }
      const format = sniffImageFormat(head);
      if (!format) {
        throw new DownloadError(
          looksLikeText(head)
            ? t('{0} sent a web page or text instead of an image', host)
            : t('what {0} sent is not a PNG, JPEG, WEBP or GIF image', host),
          url,
          'permanent',
        );
      }
      if (!looksComplete(format, head, tail, total)) {
        throw new DownloadError(t('the {0} from {1} ends early; the download was cut short', format.toUpperCase(), host), url, 'network');
      }
      kept = true;
      return { path: tempPath, bytes: total + (embedder?.inserted() ?? 0), format };
    } finally {
      await handle.close().catch(() => undefined);
      if (!kept) await unlinkQuietly(tempPath);
    }
  }
}
