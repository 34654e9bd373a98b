// The composer's pure view logic (submit rules, the prompt counter, input facts, reordering, URL and drop parsing), free of the DOM so plain node can test it.
import { promptLength } from '../api/model';
import { formatNumber, t, tn } from '../common/l10n';
import { isLoopbackHost } from '../common/loopback';
import type { InputView } from '../protocol/messages';

export type ViewName = 'compose' | 'jobs' | 'results';
export const VIEW_NAMES: readonly ViewName[] = ['compose', 'jobs', 'results'];

export interface Limits {
  maxImages: number;
  maxPromptLength: number;
}

// ---- submitting ----

export interface SubmitInputs {
  images: readonly InputView[];
  prompt: string;
  hasToken: boolean;
  limits: Limits;
}

export type BlockerKind = 'images' | 'checking' | 'problems' | 'prompt' | 'token';

export interface SubmitBlocker {
  kind: BlockerKind;
  message: string;
}

/** Every reason the draft cannot be submitted yet, in the order a person would fix them. */
export function submitBlockers(input: SubmitInputs): SubmitBlocker[] {
  const blockers: SubmitBlocker[] = [];
  const { images, limits } = input;
  if (images.length === 0) {
    blockers.push({ kind: 'images', message: t('Add at least one input image.') });
  } else if (images.length > limits.maxImages) {
    blockers.push({
      kind: 'images',
      message: tn(images.length, '{0} image is in the draft; at most {1} can be sent.|{0} images are in the draft; at most {1} can be sent.', limits.maxImages),
    });
  }
  const checking = images.find((image) => image.checking);
  if (checking) {
    blockers.push({ kind: 'checking', message: t('Checking {0}…', checking.label) });
  }
  const broken = images.filter((image) => image.problems.length > 0);
  if (broken.length === 1) {
    blockers.push({ kind: 'problems', message: t('Fix or remove {0}: {1}', broken[0].label, broken[0].problems[0].message) });
  } else if (broken.length > 1) {
    blockers.push({
      kind: 'problems',
      message: tn(broken.length, 'Fix or remove the {0} image marked with errors.|Fix or remove the {0} images marked with errors.'),
    });
  }
  const problem = promptProblem(input.prompt, limits.maxPromptLength);
  if (problem) blockers.push({ kind: 'prompt', message: problem });
  if (!input.hasToken) {
    blockers.push({ kind: 'token', message: t('Set your RunComfy API token to submit.') });
  }
  return blockers;
}

export interface SubmitState {
  enabled: boolean;
  /** The first thing to fix, apart from a missing token (which gets its own button). */
  reason?: string;
  needsToken: boolean;
}

export function submitState(input: SubmitInputs): SubmitState {
  const blockers = submitBlockers(input);
  const reason = blockers.find((b) => b.kind !== 'token')?.message;
  return { enabled: blockers.length === 0, reason, needsToken: !input.hasToken };
}

export function promptProblem(prompt: string, maxLength: number): string | undefined {
  if (prompt.trim().length === 0) return t('Write a prompt that describes the edit.');
  const length = promptLength(prompt);
  if (length > maxLength) {
    return tn(length, 'The prompt is {0} character long; the limit is {1}.|The prompt is {0} characters long; the limit is {1}.', maxLength);
  }
  return undefined;
}

export interface PromptCounter {
  text: string;
  /** For screen readers, which read "12/800" poorly. */
  label: string;
  over: boolean;
  message?: string;
}

export function promptCounter(prompt: string, maxLength: number): PromptCounter {
  const length = promptLength(prompt);
  const over = length > maxLength;
  return {
    text: `${length}/${maxLength}`,
    label: t('{0} of {1} characters', length, maxLength),
    over,
    message: over ? promptProblem(prompt, maxLength) : undefined,
  };
}

// ---- input images ----

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return t('{0} B', Math.round(bytes));
  if (bytes < 1024 * 1024) return t('{0} KB', Math.round(bytes / 1024));
  return t('{0} MB', formatNumber(bytes / (1024 * 1024), { minimumFractionDigits: 1, maximumFractionDigits: 1 }));
}

/** "PNG · 1.2 MB · 2048×1536", leaving out what the host has not measured yet. */
export function imageFacts(image: InputView): string {
  const parts: string[] = [];
  if (image.format) parts.push(image.format.toUpperCase());
  if (image.bytes !== undefined) parts.push(formatBytes(image.bytes));
  if (image.width !== undefined && image.height !== undefined) parts.push(`${image.width}×${image.height}`);
  if (parts.length === 0 && image.kind === 'url') return t('Web image, fetched by RunComfy');
  return parts.join(' · ');
}

/** Moves one item; `to` is its index in the resulting list. */
export function reorder<T>(items: readonly T[], from: number, to: number): T[] {
  const result = items.slice();
  if (from < 0 || from >= result.length) return result;
  const [item] = result.splice(from, 1);
  result.splice(Math.max(0, Math.min(to, result.length)), 0, item);
  return result;
}

/** The final index of an item dragged from `from` and dropped before or after the item at `target`. */
export function dropIndex(from: number, target: number, after: boolean): number {
  const insertAt = target + (after ? 1 : 0);
  return insertAt > from ? insertAt - 1 : insertAt;
}

// ---- URLs and dropped files ----

const MAX_URLS_PER_MESSAGE = 20;
const MAX_DROPPED_URIS = 50;

function shorten(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Why a typed address cannot be an input, or undefined when it can; the host checks it again. */
export function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return t('“{0}” is not a full address; start it with https://.', shorten(text));
  }
  if (url.protocol === 'https:') return url.hostname ? undefined : t('“{0}” has no host name.', shorten(text));
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? undefined : t('“{0}” uses http://; RunComfy only fetches https:// addresses.', shorten(text));
  }
  return t('“{0}” is not a web address; use https://.', shorten(text));
}

export interface ParsedUrls {
  urls: string[];
  rejected: { value: string; reason: string }[];
}

/** Splits pasted text on whitespace and commas into addresses to send and ones to leave in the field. */
export function parseUrlInput(text: string): ParsedUrls {
  const urls: string[] = [];
  const rejected: ParsedUrls['rejected'] = [];
  for (const value of text.split(/[\s,]+/).filter((part) => part.length > 0)) {
    const reason = urlProblem(value);
    if (reason) {
      rejected.push({ value, reason });
    } else if (urls.includes(value)) {
      continue;
    } else if (urls.length >= MAX_URLS_PER_MESSAGE) {
      rejected.push({ value, reason: t('At most {0} addresses can be added at once.', MAX_URLS_PER_MESSAGE) });
    } else {
      urls.push(value);
    }
  }
  return { urls, rejected };
}

/** URIs from a drop: `text/uri-list` lines (with `#` comments), or a JSON array as some drag sources write. */
export function parseUriList(...payloads: (string | undefined)[]): string[] {
  const uris: string[] = [];
  const add = (value: unknown): void => {
    if (typeof value !== 'string') return;
    const uri = value.trim();
    if (uri && !uri.startsWith('#') && !uris.includes(uri) && uris.length < MAX_DROPPED_URIS) uris.push(uri);
  };
  for (const payload of payloads) {
    if (!payload) continue;
    const trimmed = payload.trim();
    if (trimmed.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (Array.isArray(parsed)) {
          parsed.forEach(add);
          continue;
        }
      } catch {
        // Not JSON after all: read it as lines.
      }
    }
    trimmed.split(/\r?\n/).forEach(add);
  }
  return uris;
}
