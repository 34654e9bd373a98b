// Fits one local image file to the model's rules: sends it byte-for-byte, strips its metadata losslessly, or has the worker rework its pixels.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { imageSize } from 'image-size';
import { AbortedError } from '../api/errors';
import { t } from '../common/l10n';
import { type ContainerScan, type MetadataKind, readExifBlock, scanContainer, stripContainer } from './containerMetadata';
import { ACCEPTED_FORMATS_TEXT, formatLabel, mimeOfSent, sniffSourceFormat } from './formats';
import { FIT_LIMITS, MAX_INLINE_BYTES, type FitChange, type FitReport, type FitSettings, type SentFormat, type SourceFormat, isInRange } from './fitTypes';
import type { FitCache } from './fitCache';
import { AbortedTransform, TransformFailure, type Transformer } from './workerClient';

export interface FitProblem {
  rule: 'type' | 'unreadable' | 'resolution' | 'aspectRatio' | 'fileSize';
  subject: string;
  message: string;
}

export type FileFitOutcome =
  | { ok: true; bytes: Uint8Array; format: SentFormat; report: FitReport }
  /** `aspect` is set when the only problem is an aspect ratio that Pad or Crop would fix. */
  | { ok: false; problems: FitProblem[]; aspect?: { width: number; height: number } };

export interface LocalFitter {
  settings: FitSettings;
  transformer: Transformer;
  /** Recent outcomes: a file fitted once (for the panel's card) is not decoded again when it is sent. */
  cache?: FitCache;
}

export function dataUriLength(format: SentFormat, bytes: number): number {
  return `data:${mimeOfSent(format)};base64,`.length + 4 * Math.ceil(bytes / 3);
}

export function mb(bytes: number): string {
  return t('{0} MB', (bytes / (1024 * 1024)).toFixed(1));
}

function ratioText(width: number, height: number): string {
  return width >= height ? `${+(width / height).toFixed(2)}:1` : `1:${+(height / width).toFixed(2)}`;
}

/** Metadata kinds in formats whose containers are not parsed here; only wording depends on it, since their pixels are re-encoded anyway. */
function metadataKindsByScan(bytes: Uint8Array): Set<MetadataKind> {
  const found = new Set<MetadataKind>();
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const tiff of ['Exif\0\0MM\0*', 'Exif\0\0II*\0']) {
    const at = buffer.indexOf(tiff, 0, 'latin1');
    if (at >= 0) {
      found.add('exif');
      if (readExifBlock(bytes.subarray(at + 6)).gps) found.add('gps');
    }
  }
  if (buffer.indexOf('<x:xmpmeta', 0, 'latin1') >= 0 || buffer.indexOf('http://ns.adobe.com/xap/1.0/', 0, 'latin1') >= 0) found.add('xmp');
  return found;
}

function metadataChanges(found: Set<MetadataKind>): FitChange[] {
  const changes: FitChange[] = [];
  if (found.has('gps')) changes.push('locationRemoved');
  if ([...found].some((kind) => kind !== 'gps' && kind !== 'icc')) changes.push('metadataRemoved');
  return changes;
}

/** Dimensions from the header; the beginning of the file nearly always holds it, which spares walking a large file. */
function dimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  for (const view of bytes.length > 1 << 20 ? [bytes.subarray(0, 1 << 20), bytes] : [bytes]) {
    try {
      const size = imageSize(view);
      if (size.width && size.height) return { width: size.width, height: size.height };
    } catch {
      // A header cut off by the shorter view; the whole file is tried next.
    }
  }
  return undefined;
}

function problem(rule: FitProblem['rule'], subject: string, message: string): FileFitOutcome {
  return { ok: false, problems: [{ rule, subject, message }] };
}

/** `off`: the file goes as it is (metadata stripped unless opted out), and whatever breaks a rule is refused. */
function sendAsIs(name: string, bytes: Uint8Array, format: SourceFormat, size: { width: number; height: number }, settings: FitSettings): FileFitOutcome {
  const offHint = t('(runcomfy.fitInputs is "off"; with "auto" the image would be fitted)');
  if (format !== 'png' && format !== 'jpeg') {
    return problem('type', name, t('{0} is a {1} image; only PNG and JPEG images are sent as they are {2}.', name, formatLabel(format), offHint));
  }
  const problems: FitProblem[] = [];
  if (size.width > FIT_LIMITS.maxSide || size.height > FIT_LIMITS.maxSide) {
    problems.push({
      rule: 'resolution',
      subject: name,
      message: t('{0} is {1}×{2} pixels; the maximum resolution is 4096×4096 {3}.', name, size.width, size.height, offHint),
    });
  }
  if (!isInRange(size.width, size.height)) {
    problems.push({
      rule: 'aspectRatio',
      subject: name,
      message: t(
        '{0} has an aspect ratio of {1} ({2}×{3}); the width/height ratio must be within [1/3, 3] {4}.',
        name,
        ratioText(size.width, size.height),
        size.width,
        size.height,
        offHint,
      ),
    });
  }
  const scan = scanContainer(bytes, format);
  const sent = settings.stripMetadata ? stripContainer(bytes, scan, { keepIcc: true, keepOrientation: true }) : bytes;
  if (dataUriLength(format, sent.length) > FIT_LIMITS.maxInlineChars) {
    problems.push({
      rule: 'fileSize',
      subject: name,
      message: t('{0} is {1}; sent as it is, an image can be at most {2} (6 MiB as inline data) {3}.', name, mb(sent.length), mb(MAX_INLINE_BYTES), offHint),
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  const changes = sent === bytes ? [] : metadataChanges(scan.found);
  return {
    ok: true,
    bytes: sent,
    format,
    report: { name, original: { ...size, format, bytes: bytes.length }, sent: { ...size, format, bytes: sent.length }, changes },
  };
}

/** Refused in `auto`, with what Pad or Crop needs to know; nothing is sent. */
function aspectChoice(name: string, size: { width: number; height: number }): FileFitOutcome {
  const message = t(
    '{0} has an aspect ratio of {1} ({2}×{3}); the model accepts 1:3 to 3:1. Choose Pad or Crop (the fit option, or the runcomfy.fitInputs setting).',
    name,
    ratioText(size.width, size.height),
    size.width,
    size.height,
  );
  return { ok: false, aspect: size, problems: [{ rule: 'aspectRatio', subject: name, message }] };
}

function needsPixelWork(format: SourceFormat, scan: ContainerScan | undefined, size: { width: number; height: number }): boolean {
  if (format !== 'png' && format !== 'jpeg') return true;
  if (!scan || (scan.orientation ?? 1) !== 1 || scan.cmyk || scan.iccIsSrgb === false) return true;
  return size.width > FIT_LIMITS.maxSide || size.height > FIT_LIMITS.maxSide || !isInRange(size.width, size.height);
}

/**
 * Reads `filePath` and returns what to send, or the problems that stop it. File-system errors are thrown as they are
 * (the caller words them); an aborted signal throws AbortedError. The file itself is only ever read.
 */
export async function fitLocalFile(filePath: string, name: string, fitter: LocalFitter, signal?: AbortSignal): Promise<FileFitOutcome> {
  const stat = await fs.stat(filePath);
  if (stat.size > FIT_LIMITS.maxSourceBytes) {
    return problem('fileSize', name, t('{0} is {1}; files over {2} are not read.', name, mb(stat.size), mb(FIT_LIMITS.maxSourceBytes)));
  }
  const stamp = { size: stat.size, mtimeMs: stat.mtimeMs };
  const cached = fitter.cache?.get(filePath, fitter.settings, stamp);
  if (cached) return cached;
  const outcome = await fitBytes(filePath, name, fitter, signal);
  fitter.cache?.set(filePath, fitter.settings, stamp, outcome);
  return outcome;
}

async function fitBytes(filePath: string, name: string, fitter: LocalFitter, signal?: AbortSignal): Promise<FileFitOutcome> {
  const bytes: Uint8Array = await fs.readFile(filePath, { signal });
  const format = sniffSourceFormat(bytes);
  if (bytes.length === 0 || !format) {
    return problem('type', name, t('{0} is not an image that can be read; accepted formats: {1}.', name, ACCEPTED_FORMATS_TEXT));
  }
  const header = dimensions(bytes);
  if (!header && (format === 'png' || format === 'jpeg')) {
    return problem(
      'unreadable',
      name,
      t('{0} starts like a {1} image but its dimensions cannot be read; the file may be damaged.', name, format.toUpperCase()),
    );
  }
  const { settings } = fitter;
  if (settings.mode === 'off') return sendAsIs(name, bytes, format, header!, settings);

  const scan = format === 'png' || format === 'jpeg' ? scanContainer(bytes, format) : undefined;
  const quarterTurn = (scan?.orientation ?? 1) >= 5;
  const oriented = header && (quarterTurn ? { width: header.height, height: header.width } : header);
  if (oriented && settings.mode === 'auto' && !isInRange(oriented.width, oriented.height)) return aspectChoice(name, oriented);
  const found = scan?.found ?? metadataKindsByScan(bytes);
  const original = { width: oriented?.width ?? 0, height: oriented?.height ?? 0, format, bytes: bytes.length };

  if (scan && oriented && !needsPixelWork(format, scan, oriented)) {
    const sentFormat = format as SentFormat;
    const stripped = stripContainer(bytes, scan, { keepIcc: false, keepOrientation: false });
    if (dataUriLength(sentFormat, stripped.length) <= FIT_LIMITS.maxInlineChars) {
      return {
        ok: true,
        bytes: stripped,
        format: sentFormat,
        report: {
          name,
          original,
          sent: { ...oriented, format: sentFormat, bytes: stripped.length },
          changes: stripped === bytes ? [] : metadataChanges(found),
        },
      };
    }
  }

  const mode = settings.mode;
  let output;
  try {
    output = await fitter.transformer.transform(
      bytes,
      { format, aspect: mode === 'pad' || mode === 'crop' ? mode : 'keep', padFill: 'neutral', maxSide: FIT_LIMITS.maxSide, maxBytes: MAX_INLINE_BYTES },
      signal,
    );
  } catch (e) {
    if (e instanceof AbortedTransform || signal?.aborted) throw new AbortedError();
    const detail = e instanceof Error ? e.message.split('\n')[0] : String(e);
    if (e instanceof TransformFailure && e.reason === 'tooLarge') {
      return problem('fileSize', name, t('{0} is too large to process here ({1}).', name, detail));
    }
    return problem(
      'unreadable',
      name,
      t(
        '{0} could not be read as a {1} image ({2}); the file may be damaged. Accepted formats: {3}.',
        name,
        formatLabel(format),
        detail,
        ACCEPTED_FORMATS_TEXT,
      ),
    );
  }
  if (!original.width) Object.assign(original, { width: output.sourceWidth, height: output.sourceHeight });
  // Some headers (HEIC, AVIF) give no size up front: the decoded size is checked the same way.
  if (mode === 'auto' && !isInRange(output.width, output.height)) return aspectChoice(name, { width: output.sourceWidth, height: output.sourceHeight });
  const changes: FitChange[] = [...metadataChanges(found)];
  if (output.rotated) changes.push('rotated');
  const padded = mode === 'pad' && !isInRange(output.sourceWidth, output.sourceHeight);
  const cropped = mode === 'crop' && !isInRange(output.sourceWidth, output.sourceHeight);
  if (cropped) changes.push('cropped');
  if (Math.max(output.width, output.height) < Math.max(output.sourceWidth, output.sourceHeight) && !cropped) changes.push('shrunk');
  if (
    cropped &&
    Math.max(output.width, output.height) < Math.min(3 * Math.min(output.sourceWidth, output.sourceHeight), Math.max(output.sourceWidth, output.sourceHeight))
  )
    changes.push('shrunk');
  if (padded) changes.push('padded');
  if (output.colourConverted) changes.push('colourConverted');
  changes.push(output.format === format ? 'reencoded' : 'converted');
  return {
    ok: true,
    bytes: output.bytes,
    format: output.format,
    report: { name, original, sent: { width: output.width, height: output.height, format: output.format, bytes: output.bytes.length }, changes },
  };
}

/** Bytes per slice of hashing and base64 work (a multiple of 3, so the slices' base64 joins up): about 2 ms each. */
const SLICE = 3 * 256 * 1024;

/**
 * The request values for a fitted file: its data URI, a log/sidecar summary without the data, and its facts. The
 * hashing and encoding of a few megabytes is done in slices, yielding between them, so the event loop never stalls.
 */
export async function sentValues(name: string, fit: Extract<FileFitOutcome, { ok: true }>) {
  const hash = createHash('sha256');
  const parts = [`data:${mimeOfSent(fit.format)};base64,`];
  const bytes = Buffer.from(fit.bytes.buffer, fit.bytes.byteOffset, fit.bytes.byteLength);
  for (let at = 0; at < bytes.length; at += SLICE) {
    const slice = bytes.subarray(at, at + SLICE);
    hash.update(slice);
    parts.push(slice.toString('base64'));
    if (at + SLICE < bytes.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const digest = hash.digest('hex').slice(0, 12);
  return {
    value: parts.join(''),
    summary: `${name} (sha256:${digest}, ${fit.bytes.length} bytes)`,
    facts: { format: fit.format, bytes: fit.bytes.length, width: fit.report.sent.width, height: fit.report.sent.height },
    fit: fit.report,
  };
}
