// Turns the user's chosen images (URLs or workspace files) into the values the edit request carries, fitting local files to the model's rules.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AbortedError } from '../api/errors';
import { t, tn } from '../common/l10n';
import { type AspectOffender, aspectChoiceError } from '../imaging/fitErrors';
import { type LocalFitter, fitLocalFile, sentValues } from '../imaging/fitLocalFile';
import { sniffSourceFormat } from '../imaging/formats';
import type { FitReport, ImageSide } from '../imaging/fitTypes';
import { formatMb, type ImageFacts, INPUT_LIMITS, type InputProblem, InputProblemsError, type InputRef, inspect } from './inputChecks';
import { checkUrl } from './inputUrls';
import type { InputSummary } from './job';

/** Enough of a file to find its format and dimensions for a thumbnail's badge. */
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
  ref: Extract<InputRef, { kind: 'file' }>;
  name: string;
  found?: boolean;
}

/**
 * Checks every input, fits each local file with `fitter`, and builds the request values. Throws one InputError listing
 * every problem found, before anything is sent: an AspectRatioChoiceError when Pad or Crop would fix them all, else an
 * InputProblemsError. An aborted signal throws AbortedError.
 */
export async function prepareInputs(refs: readonly InputRef[], fitter: LocalFitter, signal?: AbortSignal): Promise<PreparedInput[]> {
  throwIfAborted(signal);
  // Each problem remembers which input it is about, so the list (and the error's subject) follows the user's order.
  const found: Array<{ at: number; problem: InputProblem }> = [];
  const report = (at: number, ...problems: InputProblem[]) => found.push(...problems.map((problem) => ({ at, problem })));
  if (refs.length === 0) {
    throw new InputProblemsError([
      { rule: 'count', subject: 'request', message: t('No input image was given; add at least one image.') },
    ]);
  }
  if (refs.length > INPUT_LIMITS.maxImages) {
    report(Number.MAX_SAFE_INTEGER, {
      rule: 'count',
      subject: 'request',
      message: tn(refs.length, '{0} image was given; at most {1} can be sent in one edit.|{0} images were given; at most {1} can be sent in one edit.', INPUT_LIMITS.maxImages),
    });
  }

  const results = new Array<PreparedInput | undefined>(refs.length);
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

  // Paths first: a missing file or a folder is worded here, so fitting only ever reads files that exist.
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
      slot.found = true;
    } catch (error) {
      report(slot.index, fsProblem(slot.name, slot.ref.path, error));
    }
  }
  const offenders: AspectOffender[] = [];
  for (const slot of files) {
    if (!slot.found) continue;
    throwIfAborted(signal);
    try {
      const outcome = await fitLocalFile(slot.ref.path, slot.name, fitterFor(slot.ref, fitter), signal);
      if (outcome.ok) results[slot.index] = { ref: slot.ref, label: slot.name, ...(await sentValues(slot.name, outcome)) };
      else report(slot.index, ...outcome.problems);
      if (!outcome.ok && outcome.aspect) offenders.push({ subject: slot.name, path: slot.ref.path, ...outcome.aspect });
    } catch (error) {
      if (error instanceof AbortedError || isAbort(error) || signal?.aborted) throw new AbortedError();
      report(slot.index, fsProblem(slot.name, slot.ref.path, error));
    }
  }

  // Fitted files are re-encoded, so only what is actually sent says whether the request fits.
  const tooBig = requestSizeProblem(results.reduce((sum, r) => sum + (r ? r.value.length : 0), 0));
  if (tooBig) report(Number.MAX_SAFE_INTEGER, tooBig);

  if (found.length > 0) {
    // Request-wide problems sort last, so the subject is the first offending file or URL whenever there is one.
    const problems = [...found].sort((a, b) => a.at - b.at).map((f) => f.problem);
    throw aspectChoiceError(problems, offenders) ?? new InputProblemsError(problems);
  }
  return results.map((r) => r as PreparedInput);
}

/** A file's own Pad or Crop choice replaces `auto` for that file; `off` (send as is) is never overridden. */
export function fitterFor(ref: Extract<InputRef, { kind: 'file' }>, fitter: LocalFitter): LocalFitter {
  if (!ref.fit || fitter.settings.mode === 'off') return fitter;
  return { ...fitter, settings: { ...fitter.settings, mode: ref.fit } };
}

/** What fitting one local file will send, without building the request: the panel's card line and its Pad/Crop offer. */
export interface FilePlan {
  report?: FitReport;
  problems: InputProblem[];
  /** Set when the only problem is an aspect ratio that Pad or Crop would fix. */
  aspect?: { width: number; height: number };
  /** What the file is, when it is not sent (yet): set with `aspect`. */
  original?: ImageSide;
}

/**
 * Fits one local file as a submit would (in the image worker when pixels change), so what is shown is what is sent;
 * with the fitter's cache, the submit then reuses the result instead of decoding the image again.
 */
export async function planLocalFile(ref: Extract<InputRef, { kind: 'file' }>, fitter: LocalFitter, signal?: AbortSignal): Promise<FilePlan> {
  const name = path.basename(ref.path) || ref.path;
  if (!path.isAbsolute(ref.path)) {
    return { problems: [{ rule: 'missing', subject: name, message: t('{0} is not given as an absolute path, so it cannot be found.', name) }] };
  }
  try {
    const stat = await fs.stat(ref.path);
    if (!stat.isFile()) return { problems: [{ rule: 'type', subject: name, message: t('{0} is a folder or device, not an image file.', name) }] };
    const outcome = await fitLocalFile(ref.path, name, fitterFor(ref, fitter), signal);
    if (outcome.ok) return { report: outcome.report, problems: [] };
    if (!outcome.aspect) return { problems: outcome.problems };
    // The card still shows what the file is beside its Pad and Crop buttons.
    const format = sniffSourceFormat(await readHead(ref.path, 64));
    return { problems: outcome.problems, aspect: outcome.aspect, ...(format ? { original: { ...outcome.aspect, format, bytes: stat.size } } : {}) };
  } catch (error) {
    if (error instanceof AbortedError || isAbort(error) || signal?.aborted) throw new AbortedError();
    return { problems: [fsProblem(name, ref.path, error)] };
  }
}

/** The request-wide size rule, for `actual` characters of image values (URLs and data URIs) in one request. */
export function requestSizeProblem(actual: number): InputProblem | undefined {
  if (actual <= INPUT_LIMITS.maxRequestBytes) return undefined;
  return {
    rule: 'requestSize',
    subject: 'request',
    message: t('Together the images make a request of about {0}; a request can be at most 64 MB, so send fewer or smaller images (or use https:// URLs).', formatMb(actual, INPUT_LIMITS.maxRequestBytes)),
  };
}

/** How each sent input is remembered by its job (never the data URI itself). */
export function summarizeInputs(prepared: readonly PreparedInput[]): InputSummary[] {
  return prepared.map((p) => ({
    label: p.label,
    summary: p.summary,
    ...(p.ref.kind === 'file' ? { path: p.ref.path } : { url: p.ref.url }),
    ...(p.ref.kind === 'file' && p.ref.fit ? { fit: p.ref.fit } : {}),
    ...(p.fit ? { fitted: { original: p.fit.original, sent: p.fit.sent, changes: p.fit.changes } } : {}),
  }));
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
