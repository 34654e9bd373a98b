// How the panel shows a job: the rule book's words and look, the shared duration and cost wording, and relative times.
import { displayLanguage, t, tn } from '../common/l10n';
import { costText } from '../common/wording';
import { durationOf, isActive, lookOf, stateWords, type Tone } from '../jobs/rules';
import type { JobView } from '../protocol/messages';

export type { Tone } from '../jobs/rules';

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

export function formatAgo(timestamp: number, now: number): string {
  const seconds = Math.round((now - timestamp) / 1000);
  if (seconds < 45) return t('just now');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return tn(minutes, '{0} min ago|{0} min ago');
  const hours = Math.round(minutes / 60);
  if (hours < 24) return tn(hours, '{0} h ago|{0} h ago');
  const days = Math.round(hours / 24);
  if (days < 7) return days === 1 ? t('yesterday') : tn(days, '{0} day ago|{0} days ago');
  return new Date(timestamp).toLocaleDateString(displayLanguage(), { year: 'numeric', month: 'short', day: 'numeric' });
}

/** A function rather than a constant so it is translated after the panel has installed its language. */
export function notCancellableText(): string {
  return t('RunComfy could not cancel it: it is already running and will be billed; its result will still be saved.');
}

export function activeCount(jobs: readonly JobView[]): number {
  return jobs.filter(isActive).length;
}

/** Newest first; the host's order breaks ties so rows do not swap places between updates. */
export function sortJobs(jobs: readonly JobView[]): JobView[] {
  return jobs
    .map((job, index) => ({ job, index }))
    .sort((a, b) => b.job.createdAt - a.job.createdAt || a.index - b.index)
    .map(({ job }) => job);
}

/** Whether the row's text changes with the clock (a running duration). */
export function ticks(job: JobView): boolean {
  return job.state === 'running' || job.state === 'queued';
}

/** "Running · 0:12", "Done · 2 files saved · 0:16 · $0.06 — 2 images × $0.03": the same words as the status bar and the job list. */
export function jobStatus(job: JobView, now: number): JobStatus {
  const look = lookOf(job);
  const parts = [stateWords(job)];
  if (job.state !== 'submitting' && job.state !== 'submissionUnknown') parts.push(durationOf(job, now));
  if (job.cost !== undefined) parts.push(costText(job.cost, job.outputCount));
  const status: JobStatus = { icon: look.icon, spin: look.spin, tone: look.tone, text: parts.join(' · ') };
  if (job.cancelOutcome === 'not_cancellable' && job.state !== 'failed' && job.state !== 'cancelled') {
    return { ...status, detail: notCancellableText(), detailTone: 'warning' };
  }
  if (job.error) {
    const tone: Tone = job.state === 'failed' || job.state === 'saveFailed' ? 'error' : 'warning';
    return { ...status, detail: job.error, detailTone: tone };
  }
  return status;
}

/** Collapses whitespace and cuts at a word-ish boundary, for one-line prompts. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  return `${flat.slice(0, max - 1).trimEnd()}…`;
}
