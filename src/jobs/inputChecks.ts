// The rules an image file meets as it is, on bytes alone (PNG or JPEG by content, at most 15 MB, 4096 px a side, aspect ratio within [1/3, 3]): the panel's badges.
import { imageSize } from 'image-size';
import { InputError } from '../api/errors';
import { MAX_IMAGE_BYTES } from '../api/model';
import { t } from '../common/l10n';
import { formatMb } from '../common/megabytes';
import { sniffImageFormat } from './imageMagic';

/** A file may carry the person's Pad or Crop choice for it (the panel's card), which overrides `auto` for that file alone. */
export type InputRef = { kind: 'url'; url: string } | { kind: 'file'; path: string; fit?: 'pad' | 'crop' };

export type InputRule = 'url' | 'missing' | 'type' | 'fileSize' | 'resolution' | 'aspectRatio' | 'unreadable' | 'count' | 'requestSize';

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
  maxFileBytes: MAX_IMAGE_BYTES,
  maxSide: 4096,
  minAspect: 1 / 3,
  maxAspect: 3,
  maxRequestBytes: 64 * 1024 * 1024,
  maxImages: 10,
} as const;

/** The service's schema writes the lower bound as 0.33, slightly below 1/3; anything either spelling accepts passes here. */
const SERVICE_MIN_ASPECT_PERCENT = 33;

/** Carries every problem found, so a UI can list them one by one; its message already joins them. */
export class InputProblemsError extends InputError {
  constructor(readonly problems: readonly InputProblem[]) {
    super(problems[0].subject, problems[0].rule, problems.map((p) => p.message).join(' '));
  }
}

export { formatMb } from '../common/megabytes';

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

export interface InspectOptions {
  /** The file's real size when `bytes` holds only its beginning. */
  totalBytes?: number;
}

/** Pure: what an image file is (by its magic bytes, never its extension) and which rules it breaks as it is. */
export function inspect(name: string, bytes: Uint8Array, options: InspectOptions = {}): { facts: ImageFacts; problems: InputProblem[] } {
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
        ? t("{0} is a {1} image; only PNG and JPEG images can be sent (the file's content decides, not its extension).", name, sniffed.toUpperCase())
        : t("{0} is not a PNG or JPEG image; only PNG and JPEG images can be sent (the file's content decides, not its extension).", name),
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
