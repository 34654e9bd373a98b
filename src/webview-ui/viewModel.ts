// The panel's pure view logic (submit rules, counters, time and size text, reordering, URL and drop parsing), free of the DOM so plain node can test it.
import { promptLength } from '../api/model';
import { t } from '../common/l10n';
import type { InputView, JobView, ResultView } from '../protocol/messages';

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
      message: t('{0} images are in the draft; at most {1} can be sent.', images.length, limits.maxImages),
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
    blockers.push({ kind: 'problems', message: t('Fix or remove the images marked with errors ({0}).', broken.length) });
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
    return t('The prompt is {0} characters long; the limit is {1}.', length, maxLength);
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
  return t('{0} MB', (bytes / (1024 * 1024)).toFixed(1));
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

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]';
}

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
    return isLoopbackHost(url.hostname)
      ? undefined
      : t('“{0}” uses http://; RunComfy only fetches https:// addresses.', shorten(text));
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

// ---- time ----

/** "0:07", "12:34", "1:02:03": a running clock rather than words, so it does not jump in width each second. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export function formatAgo(timestamp: number, now: number): string {
  const seconds = Math.round((now - timestamp) / 1000);
  if (seconds < 45) return t('just now');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('{0} min ago', minutes);
  const hours = Math.round(minutes / 60);
  if (hours < 24) return t('{0} h ago', hours);
  const days = Math.round(hours / 24);
  if (days < 7) return days === 1 ? t('yesterday') : t('{0} days ago', days);
  return new Date(timestamp).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

// ---- jobs ----

export type Tone = 'info' | 'success' | 'warning' | 'error' | 'muted';

export interface JobStatus {
  /** A codicon name. */
  icon: string;
  spin: boolean;
  tone: Tone;
  text: string;
  /** A longer explanation shown under the row: an error, or what a refused cancel means. */
  detail?: string;
  detailTone?: Tone;
}

/** A function rather than a constant so it is translated after the panel has installed its language. */
export function notCancellableText(): string {
  return t('RunComfy could not cancel it: it is already running and will be billed; its result will still be saved.');
}

export function isActiveJob(job: JobView): boolean {
  return job.state === 'submitting' || job.state === 'queued' || job.state === 'running';
}

export function runningCount(jobs: readonly JobView[]): number {
  return jobs.filter(isActiveJob).length;
}

/** Newest first; the host's order breaks ties so rows do not swap places between updates. */
export function sortJobs(jobs: readonly JobView[]): JobView[] {
  return jobs
    .map((job, index) => ({ job, index }))
    .sort((a, b) => b.job.createdAt - a.job.createdAt || a.index - b.index)
    .map(({ job }) => job);
}

function runStart(job: JobView): number {
  return job.startedAt ?? job.submittedAt ?? job.createdAt;
}

export function jobStatus(job: JobView, now: number): JobStatus {
  const status = baseStatus(job, now);
  if (job.cancelOutcome === 'not_cancellable' && (job.state === 'running' || job.state === 'queued' || job.state === 'succeeded')) {
    return { ...status, detail: notCancellableText(), detailTone: 'warning' };
  }
  if (job.state === 'succeeded' && job.downloadState === 'failed') {
    return { ...status, detail: job.downloadError ?? t('The result could not be saved.'), detailTone: 'error' };
  }
  return status;
}

function baseStatus(job: JobView, now: number): JobStatus {
  switch (job.state) {
    case 'submitting':
      return { icon: 'cloud-upload', spin: false, tone: 'info', text: t('Submitting…') };
    case 'queued':
      return {
        icon: 'clock',
        spin: false,
        tone: 'info',
        text: job.queuePosition !== undefined ? t('Queued · position {0}', job.queuePosition) : t('Queued'),
      };
    case 'running':
      return { icon: 'sync', spin: true, tone: 'info', text: t('Running · {0}', formatDuration(now - runStart(job))) };
    case 'succeeded': {
      const done = job.finishedAt !== undefined ? t('Done in {0}', formatDuration(job.finishedAt - runStart(job))) : t('Done');
      switch (job.downloadState) {
        case 'failed':
          return { icon: 'warning', spin: false, tone: 'warning', text: t('{0} · saving failed', done) };
        case 'pending':
        case 'downloading':
          return { icon: 'cloud-download', spin: false, tone: 'info', text: t('{0} · saving…', done) };
        default:
          return { icon: 'pass-filled', spin: false, tone: 'success', text: done };
      }
    }
    case 'failed':
      return { icon: 'error', spin: false, tone: 'error', text: t('Failed'), detail: job.error, detailTone: 'error' };
    case 'cancelled':
      return { icon: 'circle-slash', spin: false, tone: 'muted', text: t('Cancelled') };
    case 'submissionUnknown':
      return {
        icon: 'question',
        spin: false,
        tone: 'warning',
        text: t('Submission unknown'),
        detail: job.error ?? (job.state !== 'submissionUnknown' ? job.stateText : undefined),
        detailTone: 'warning',
      };
  }
}

/** Collapses whitespace and cuts at a word-ish boundary, for one-line prompts. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  return `${flat.slice(0, max - 1).trimEnd()}…`;
}

// ---- results ----

/** "2048 × 2048" for the model's "2048x2048(1:1)". */
export function sizeText(size: string): string {
  const m = /^(\d+)x(\d+)/.exec(size);
  return m ? `${m[1]} × ${m[2]}` : size;
}

export function resultMeta(result: ResultView): string {
  const parts: string[] = [];
  if (result.size) parts.push(sizeText(result.size));
  if (result.scale !== undefined) parts.push(t('scale {0}', formatScale(result.scale)));
  if (result.forceSingle) parts.push(t('single output'));
  return parts.join(' · ');
}

export function formatScale(scale: number): string {
  return (Math.round(scale * 100) / 100).toFixed(2);
}

// ---- comparison ----

export function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.5;
}

/** Where a pointer at `clientX` sits across a box, from 0 (left edge) to 1 (right edge). */
export function ratioAt(clientX: number, left: number, width: number): number {
  return width > 0 ? clamp01((clientX - left) / width) : 0.5;
}

// ---- echoes of our own edits ----

/**
 * Tells a value the host chose (e.g. a draft restored by "Edit & run again") from a late echo of one this panel
 * sent, so a reply to an older keystroke never overwrites newer typing.
 */
export class EchoGuard<T> {
  private sent: T[] = [];

  noteSent(value: T): void {
    this.sent.push(value);
    if (this.sent.length > 50) this.sent.shift();
  }

  /** True when `value` did not come from this panel. */
  isForeign(value: T): boolean {
    const index = this.sent.lastIndexOf(value);
    if (index >= 0) {
      // Messages arrive in order, so nothing older than this echo can come back any more.
      this.sent = this.sent.slice(index);
      return false;
    }
    this.sent = [];
    return true;
  }
}

// ---- view state kept across reloads ----

export interface UiState {
  view: ViewName;
  scroll: Partial<Record<ViewName, number>>;
  /** The result path open in the comparison, and where its divider sits. */
  compare?: { path: string; position: number };
}

function isViewName(value: unknown): value is ViewName {
  return typeof value === 'string' && (VIEW_NAMES as readonly string[]).includes(value);
}

/** Reads what `vscode.getState()` returned, which may come from an older version of the panel or be nothing. */
export function parseUiState(raw: unknown, fallbackView: ViewName): UiState {
  const state: UiState = { view: fallbackView, scroll: {} };
  if (!raw || typeof raw !== 'object') return state;
  const record = raw as Record<string, unknown>;
  if (isViewName(record.view)) state.view = record.view;
  if (record.scroll && typeof record.scroll === 'object') {
    for (const view of VIEW_NAMES) {
      const value = (record.scroll as Record<string, unknown>)[view];
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) state.scroll[view] = value;
    }
  }
  const compare = record.compare as Record<string, unknown> | undefined;
  if (compare && typeof compare === 'object' && typeof compare.path === 'string' && typeof compare.position === 'number') {
    state.compare = { path: compare.path, position: clamp01(compare.position) };
  }
  return state;
}
