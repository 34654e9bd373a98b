// Turns the user's chosen images (URLs or workspace files) into the values the edit request carries, after every local check.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { imageSize } from 'image-size';
import { AbortedError, InputError } from '../api/errors';
import { t } from '../common/l10n';
import { type AspectOffender, aspectChoiceError } from '../imaging/fitErrors';
import { type LocalFitter, fitLocalFile, sentValues } from '../imaging/fitLocalFile';
import type { FitReport } from '../imaging/fitTypes';
import { sniffImageFormat } from './imageMagic';

export type InputRef = { kind: 'url'; url: string } | { kind: 'file'; path: string };

export type InputRule =
  | 'url'
  | 'missing'
  | 'type'
  | 'fileSize'
  | 'resolution'
  | 'aspectRatio'
  | 'unreadable'
  | 'count'
  | 'requestSize';

export interface ImageFacts {
  format: 'png' | 'jpeg' | 'other';
  bytes: number;
  width?: number;
  height?: number;
}

export interface InputProblem {
  rule: InputRule;
  /** A complete sentence naming the file or URL and the rule. */
  message: string;
  /** The file name or URL the problem is about (the request as a whole for `count` and `requestSize`). */
  subject: string;
}

export const INPUT_LIMITS = {
  maxFileBytes: 15 * 1024 * 1024,
  maxSide: 4096,
  minAspect: 1 / 3,
  maxAspect: 3,
  maxRequestBytes: 64 * 1024 * 1024,
  maxImages: 10,
} as const;

/** The service's schema writes the lower bound as 0.33, slightly below 1/3; anything either spelling accepts passes here. */
const SERVICE_MIN_ASPECT_PERCENT = 33;

/** Enough of a file to find its dimensions when the whole file will not be sent anyway. */
const HEADER_PROBE_BYTES = 256 * 1024;

export interface PreparedInput {
  ref: InputRef;
  /** The URL itself, or a `data:image/…;base64,…` URI. */
  value: string;
  /** The URL, or the file's base name. */
  label: string;
  /** For sidecars and logs: the URL, or `name (sha256:<12 hex>, N bytes)`; never the data URI. */
  summary: string;
  facts?: ImageFacts;
  /** For local files: what the file was and what is sent instead. */
  fit?: FitReport;
}

/** Carries every problem found, so a UI can list them one by one; its message already joins them. */
export class InputProblemsError extends InputError {
  constructor(readonly problems: readonly InputProblem[]) {
    super(problems[0].subject, problems[0].rule, problems.map((p) => p.message).join(' '));
  }
}

export function mimeOf(format: ImageFacts['format']): string {
  switch (format) {
    case 'png':
      return 'image/png';
    case 'jpeg':
      return 'image/jpeg';
    default:
      return 'application/octet-stream';
  }
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const DATA_URI = /data:([\w.+-]+\/[\w.+-]+)?((?:;[\w.+-]+=[^;,\s]*)*)(;base64)?,([A-Za-z0-9+/=%._~-]*)/g;

/**
 * Replaces every data: URI in `value` with `data:<mime>;base64 (N bytes, sha256:<12 hex>…)`, so a log line or a
 * sidecar never carries megabytes of base64 (or the image itself). Other text is left as it is.
 */
export function shortenDataUri(value: string): string {
  if (!value.includes('data:')) return value;
  return value.replace(DATA_URI, (_match, mime: string | undefined, _params: string, base64: string | undefined, payload: string) => {
    const bytes = base64 ? Buffer.from(payload, 'base64') : Buffer.from(safeDecode(payload), 'latin1');
    return `data:${mime ?? 'text/plain'}${base64 ? ';base64' : ''} (${bytes.length} bytes, sha256:${sha256Hex(bytes).slice(0, 12)}…)`;
  });
}

function safeDecode(payload: string): string {
  try {
    return decodeURIComponent(payload);
  } catch {
    return payload;
  }
}

function formatMb(bytes: number, limit: number): string {
  const mb = (bytes / (1024 * 1024)).toFixed(1);
  // "15.0 MB; at most 15 MB" would read as a contradiction, so the exact count is added when rounding hides the excess.
  return bytes > limit && Number(mb) <= limit / (1024 * 1024) ? t('{0} MB ({1} bytes)', mb, bytes) : t('{0} MB', mb);
}

/** Shows where a URL points without its query or fragment, which may carry a signature. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === 'data:') return shortenDataUri(url);
    const shown = `${u.protocol}//${u.host}${u.pathname}${u.search || u.hash ? '…' : ''}`;
    return shown.length > 100 ? `${shown.slice(0, 99)}…` : shown;
  } catch {
    const trimmed = shortenDataUri(url.trim());
    return trimmed.length > 100 ? `${trimmed.slice(0, 99)}…` : trimmed;
  }
}

function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h === '[::1]') return true;
  // The URL parser has already normalised short, octal and hex IPv4 spellings to dotted decimal.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Pure: whether RunComfy can be pointed at this URL. Loopback http exists only for a local stand-in of the service. */
export function checkUrl(url: string): InputProblem[] {
  const shown = displayUrl(url);
  const subject = shown;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return [{ rule: 'url', subject, message: t('"{0}" is not a valid URL; give a full https:// address of a publicly reachable image.', shown) }];
  }
  if (parsed.username || parsed.password) {
    return [
      {
        rule: 'url',
        subject,
        message: t('{0} contains a user name or password; RunComfy cannot log in anywhere, so use a public or pre-signed https:// URL instead.', shown),
      },
    ];
  }
  if (parsed.protocol === 'https:') {
    if (!parsed.hostname) {
      return [{ rule: 'url', subject, message: t('"{0}" has no host name; give a full https:// address of a publicly reachable image.', shown) }];
    }
    return [];
  }
  if (parsed.protocol === 'http:') {
    if (isLoopbackHostname(parsed.hostname)) return [];
    return [
      {
        rule: 'url',
        subject,
        message: t('{0} uses plain http; RunComfy only fetches images over https://, so use the https address of the image.', shown),
      },
    ];
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  const message =
    scheme === 'file'
      ? t('{0} is a file: URL; RunComfy can only fetch images from public https:// URLs. Add local images as files instead of file: URLs.', shown)
      : scheme === 'data'
        ? t('{0} is a data: URL; RunComfy can only fetch images from public https:// URLs. Add the image as a file instead of pasting a data: URI.', shown)
        : t('{0} is a {1}: URL; RunComfy can only fetch images from public https:// URLs.', shown, scheme);
  return [{ rule: 'url', subject, message }];
}

function checkAspect(width: number, height: number): boolean {
  // Integer cross-multiplication keeps the bounds exact; 100·w ≥ 33·h accepts 1/3 itself and the service's 0.33.
  const lowOk = width * 100 >= SERVICE_MIN_ASPECT_PERCENT * height;
  const highOk = width <= INPUT_LIMITS.maxAspect * height;
  return lowOk && highOk;
}

function ratioText(width: number, height: number): string {
  const r = width / height;
  return r >= 1 ? `${+r.toFixed(2)}:1` : `1:${+(height / width).toFixed(2)}`;
}

interface InspectOptions {
  /** The file's real size when `bytes` holds only its beginning. */
  totalBytes?: number;
}

function inspect(name: string, bytes: Uint8Array, options: InspectOptions = {}): { facts: ImageFacts; problems: InputProblem[] } {
  const partial = options.totalBytes !== undefined && options.totalBytes > bytes.length;
  const total = options.totalBytes ?? bytes.length;
  const problems: InputProblem[] = [];
  const sniffed = sniffImageFormat(bytes);
  const format: ImageFacts['format'] = sniffed === 'png' || sniffed === 'jpeg' ? sniffed : 'other';
  const facts: ImageFacts = { format, bytes: total };

  if (total === 0) {
    problems.push({ rule: 'type', subject: name, message: t('{0} is empty; only PNG and JPEG images can be sent.', name) });
    return { facts, problems };
  }
  if (format === 'other') {
    problems.push({
      rule: 'type',
      subject: name,
      message: sniffed
        ? t('{0} is a {1} image; only PNG and JPEG images can be sent (the file\'s content decides, not its extension).', name, sniffed.toUpperCase())
        : t('{0} is not a PNG or JPEG image; only PNG and JPEG images can be sent (the file\'s content decides, not its extension).', name),
    });
  }
  if (total > INPUT_LIMITS.maxFileBytes) {
    problems.push({
      rule: 'fileSize',
      subject: name,
      message: t('{0} is {1}; each image must be at most 15 MB.', name, formatMb(total, INPUT_LIMITS.maxFileBytes)),
    });
  }
  if (format === 'other') return { facts, problems };

  let width: number | undefined;
  let height: number | undefined;
  try {
    const size = imageSize(bytes);
    width = size.width;
    height = size.height;
  } catch {
    // A cut-off header read is expected to fail sometimes; only a whole file that cannot be measured is a problem.
  }
  if (!width || !height) {
    if (!partial) {
      problems.push({
        rule: 'unreadable',
        subject: name,
        message: t('{0} starts like a {1} image but its dimensions cannot be read; the file may be damaged.', name, format.toUpperCase()),
      });
    }
    return { facts, problems };
  }
  facts.width = width;
  facts.height = height;
  if (width > INPUT_LIMITS.maxSide || height > INPUT_LIMITS.maxSide) {
    problems.push({
      rule: 'resolution',
      subject: name,
      message: t('{0} is {1}×{2} pixels; the maximum resolution is 4096×4096.', name, width, height),
    });
  }
  if (!checkAspect(width, height)) {
    problems.push({
      rule: 'aspectRatio',
      subject: name,
      message: t('{0} has an aspect ratio of {1} ({2}×{3}); the width/height ratio must be within [1/3, 3].', name, ratioText(width, height), width, height),
    });
  }
  return { facts, problems };
}

/** Pure: what an image file is (by its magic bytes, never its extension) and which rules it breaks. */
export function inspectImage(name: string, bytes: Uint8Array): { facts: ImageFacts; problems: InputProblem[] } {
  return inspect(name, bytes);
}

function toDataUri(format: ImageFacts['format'], bytes: Uint8Array): string {
  return `data:${mimeOf(format)};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

/** A lower bound (the shortest prefix), so a request judged too large from sizes alone really is. */
function projectedDataUriLength(bytes: number): number {
  return 'data:image/png;base64,'.length + 4 * Math.ceil(bytes / 3);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError();
}

function isAbort(error: unknown): boolean {
  return !!error && typeof error === 'object' && (error as { name?: string }).name === 'AbortError';
}

function errnoOf(error: unknown): string | undefined {
  return error && typeof error === 'object' ? (error as NodeJS.ErrnoException).code : undefined;
}

function fsProblem(name: string, filePath: string, error: unknown): InputProblem {
  const code = errnoOf(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return { rule: 'missing', subject: name, message: t('{0} was not found at {1}; it may have been moved or deleted.', name, filePath) };
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return { rule: 'unreadable', subject: name, message: t('{0} cannot be read (permission denied); check the file\'s permissions.', name) };
  }
  return { rule: 'unreadable', subject: name, message: t('{0} cannot be read ({1}).', name, code ?? String(error)) };
}

async function readHead(filePath: string, length: number): Promise<Uint8Array> {
  const handle = await fs.open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

interface FileSlot {
  index: number;
  ref: { kind: 'file'; path: string };
  name: string;
  size?: number;
}

/**
 * Checks every input and builds the request values. Throws one InputError (an InputProblemsError) listing every
 * problem found, before anything is sent; an aborted signal throws AbortedError.
 */
export async function prepareInputs(refs: readonly InputRef[], signal?: AbortSignal, fitter?: LocalFitter): Promise<PreparedInput[]> {
  throwIfAborted(signal);
  // Each problem remembers which input it is about, so the list (and the error's subject) follows the user's order.
  const found: Array<{ at: number; problem: InputProblem }> = [];
  const report = (at: number, ...problems: InputProblem[]) => found.push(...problems.map((problem) => ({ at, problem })));
  if (refs.length === 0) {
    throw new InputProblemsError([
      { rule: 'count', subject: 'request', message: t('No input image was given; add at least one PNG or JPEG image.') },
    ]);
  }
  if (refs.length > INPUT_LIMITS.maxImages) {
    report(Number.MAX_SAFE_INTEGER, {
      rule: 'count',
      subject: 'request',
      message: t('{0} images were given; at most {1} can be sent in one edit.', refs.length, INPUT_LIMITS.maxImages),
    });
  }

  const results: Array<PreparedInput | undefined> = new Array(refs.length);
  const files: FileSlot[] = [];
  refs.forEach((ref, index) => {
    if (ref.kind === 'url') {
      const urlProblems = checkUrl(ref.url);
      report(index, ...urlProblems);
      if (urlProblems.length === 0) {
        const url = ref.url.trim();
        results[index] = { ref, value: url, label: url, summary: url };
      }
    } else {
      files.push({ index, ref, name: path.basename(ref.path) || ref.path });
    }
  });

  // Sizes first: an oversized file, or a request that cannot fit, is known without reading any image in full.
  for (const slot of files) {
    throwIfAborted(signal);
    if (!path.isAbsolute(slot.ref.path)) {
      report(slot.index, { rule: 'missing', subject: slot.name, message: t('{0} is not given as an absolute path, so it cannot be found.', slot.name) });
      continue;
    }
    try {
      const stat = await fs.stat(slot.ref.path);
      if (!stat.isFile()) {
        report(slot.index, { rule: 'type', subject: slot.name, message: t('{0} is a folder or device, not an image file.', slot.name) });
        continue;
      }
      slot.size = stat.size;
    } catch (error) {
      report(slot.index, fsProblem(slot.name, slot.ref.path, error));
    }
  }
  const urlLength = refs.reduce((sum, ref) => sum + (ref.kind === 'url' ? ref.url.trim().length : 0), 0);
  const projected = files.reduce((sum, slot) => sum + (slot.size !== undefined ? projectedDataUriLength(slot.size) : 0), urlLength);
  // Fitted files are re-encoded, so their size on disk says nothing about the request.
  const requestTooLarge = !fitter && projected > INPUT_LIMITS.maxRequestBytes;
  const offenders: AspectOffender[] = [];

  for (const slot of files) {
    if (slot.size === undefined) continue;
    throwIfAborted(signal);
    if (fitter) {
      try {
        const outcome = await fitLocalFile(slot.ref.path, slot.name, fitter, signal);
        if (outcome.ok) results[slot.index] = { ref: slot.ref, label: slot.name, ...(await sentValues(slot.name, outcome)) };
        else report(slot.index, ...outcome.problems);
        if (!outcome.ok && outcome.aspect) offenders.push({ subject: slot.name, path: slot.ref.path, ...outcome.aspect });
      } catch (error) {
        if (error instanceof AbortedError || isAbort(error) || signal?.aborted) throw new AbortedError();
        report(slot.index, fsProblem(slot.name, slot.ref.path, error));
      }
      continue;
    }
    const headerOnly = requestTooLarge || slot.size > INPUT_LIMITS.maxFileBytes;
    let bytes: Uint8Array;
    try {
      bytes = headerOnly ? await readHead(slot.ref.path, HEADER_PROBE_BYTES) : await fs.readFile(slot.ref.path, { signal });
    } catch (error) {
      if (isAbort(error) || signal?.aborted) throw new AbortedError();
      report(slot.index, fsProblem(slot.name, slot.ref.path, error));
      continue;
    }
    // The file may have changed since it was measured; a full read is judged by what was actually read.
    const inspected = headerOnly ? inspect(slot.name, bytes, { totalBytes: Math.max(slot.size, bytes.length) }) : inspectImage(slot.name, bytes);
    report(slot.index, ...inspected.problems);
    if (inspected.problems.length === 0 && !headerOnly) {
      const digest = sha256Hex(bytes).slice(0, 12);
      results[slot.index] = {
        ref: slot.ref,
        value: toDataUri(inspected.facts.format, bytes),
        label: slot.name,
        summary: `${slot.name} (sha256:${digest}, ${bytes.length} bytes)`,
        facts: inspected.facts,
      };
    }
  }

  const actual = results.reduce((sum, r) => sum + (r ? r.value.length : 0), 0);
  if (requestTooLarge || actual > INPUT_LIMITS.maxRequestBytes) {
    const size = Math.max(projected, actual);
    report(Number.MAX_SAFE_INTEGER, {
      rule: 'requestSize',
      subject: 'request',
      message: t('Together the images make a request of about {0}; a request can be at most 64 MB, so send fewer or smaller images (or use https:// URLs).', formatMb(size, INPUT_LIMITS.maxRequestBytes)),
    });
  }

  if (found.length > 0) {
    // Request-wide problems sort last, so the subject is the first offending file or URL whenever there is one.
    const problems = [...found].sort((a, b) => a.at - b.at).map((f) => f.problem);
    throw aspectChoiceError(problems, offenders) ?? new InputProblemsError(problems);
  }
  return results.map((r) => r as PreparedInput);
}

/**
 * What one local image file is and which rules it breaks, reading only its first bytes (enough for its format and
 * dimensions): for thumbnails and badges, long before a submit.
 */
export async function inspectImageFile(filePath: string): Promise<{ facts?: ImageFacts; problems: InputProblem[] }> {
  const name = path.basename(filePath) || filePath;
  try {
    const stat = await fs.stat(filePath);
    if (!stat.isFile()) return { problems: [{ rule: 'type', subject: name, message: t('{0} is a folder or device, not an image file.', name) }] };
    const bytes = await readHead(filePath, HEADER_PROBE_BYTES);
    return inspect(name, bytes, { totalBytes: stat.size });
  } catch (error) {
    return { problems: [fsProblem(name, filePath, error)] };
  }
}
