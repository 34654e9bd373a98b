// The rule book: the only place that says whether a job is active, can be cancelled, needs the user, and what it is called.
import { t, tn } from '../common/l10n';
import { formatDuration } from '../common/wording';

export const JOB_STATES = [
  'submitting',
  'submissionUnknown',
  'queued',
  'running',
  'saving',
  'saved',
  'saveFailed',
  'failed',
  'cancelled',
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** What `runcomfy.edit` with `wait: true` (and every outcome shown to people) reports. */
export type Outcome = 'succeeded' | 'saveFailed' | 'failed' | 'cancelled' | 'submissionUnknown' | 'stalled';

/** The facts every rule reads: a host job and the panel's job view both provide them. */
export interface JobFacts {
  state: JobState;
  requestId?: string;
  queuePosition?: number;
  cancelOutcome?: string;
  seen?: boolean;
  /** Its state could not be read for a while (see PollTrouble). */
  stalled?: boolean;
  /** A failed save that trying again can fix. */
  retryable?: boolean;
  /** Outputs on disk. */
  savedCount?: number;
}

export interface JobTimes {
  createdAt: number;
  submittedAt?: number;
  finishedAt?: number;
}

/** RunComfy (or the submit) is still working on it. */
export function isActive(job: JobFacts): boolean {
  return job.state === 'submitting' || job.state === 'queued' || job.state === 'running';
}

/** RunComfy cancels only queued jobs; once it has said no, asking again cannot help. */
export function isCancellable(job: JobFacts): boolean {
  return job.state === 'queued' && !!job.requestId && job.cancelOutcome !== 'not_cancellable';
}

/** Still worth asking RunComfy about. */
export function isPolled(job: JobFacts): boolean {
  return job.state === 'queued' || job.state === 'running';
}

/** Something only the user can settle: a failure not looked at yet, an unknown submission, a save that failed, a job out of reach. */
export function needsUser(job: JobFacts): boolean {
  if (job.stalled && isPolled(job)) return true;
  if (job.seen) return false;
  return job.state === 'failed' || job.state === 'submissionUnknown' || job.state === 'saveFailed';
}

/** Whether a failed save may be tried again by the user (Retry Download, resume). */
export function canRetrySave(job: JobFacts): boolean {
  return job.state === 'saveFailed';
}

/** History may forget it: finished, and nothing left that the user still has to see or do. */
export function isEvictable(job: JobFacts): boolean {
  if (isActive(job) || job.state === 'saving') return false;
  if (job.state === 'submissionUnknown' && !job.seen) return false;
  if (job.state === 'saveFailed' && job.retryable) return false;
  return true;
}

/** The outcome a waiting caller gets, or undefined while the answer is still coming. */
export function outcomeOf(job: JobFacts): Outcome | undefined {
  switch (job.state) {
    case 'saved':
      return 'succeeded';
    case 'saveFailed':
    case 'failed':
    case 'cancelled':
    case 'submissionUnknown':
      return job.state;
    case 'queued':
    case 'running':
      return job.stalled ? 'stalled' : undefined;
    case 'submitting':
    case 'saving':
      return undefined;
  }
}

export type Tone = 'info' | 'success' | 'warning' | 'error' | 'muted';

export interface Look {
  /** A codicon name. */
  icon: string;
  spin: boolean;
  tone: Tone;
}

export function lookOf(job: JobFacts): Look {
  if (job.stalled && isPolled(job)) return { icon: 'warning', spin: false, tone: 'warning' };
  switch (job.state) {
    case 'submitting':
      return { icon: 'cloud-upload', spin: false, tone: 'info' };
    case 'submissionUnknown':
      return { icon: 'question', spin: false, tone: 'warning' };
    case 'queued':
      return { icon: 'clock', spin: false, tone: 'info' };
    case 'running':
      return { icon: 'sync', spin: true, tone: 'info' };
    case 'saving':
      return { icon: 'cloud-download', spin: false, tone: 'info' };
    case 'saved':
      return { icon: 'pass-filled', spin: false, tone: 'success' };
    case 'saveFailed':
      return { icon: 'warning', spin: false, tone: 'warning' };
    case 'failed':
      return { icon: 'error', spin: false, tone: 'error' };
    case 'cancelled':
      return { icon: 'circle-slash', spin: false, tone: 'muted' };
  }
}

/** The state in words, the same in the status bar, the job list and the panel. */
export function stateWords(job: JobFacts): string {
  const words = baseWords(job);
  return job.stalled && isPolled(job) ? t('{0} · not reachable', words) : words;
}

function baseWords(job: JobFacts): string {
  switch (job.state) {
    case 'submitting':
      return t('Submitting…');
    case 'submissionUnknown':
      return t('Submission unknown');
    case 'queued':
      return job.queuePosition !== undefined ? t('Queued · position {0}', job.queuePosition) : t('Queued');
    case 'running':
      return job.cancelOutcome === 'not_cancellable' ? t('Running · could not be cancelled') : t('Running');
    case 'saving':
      return t('Done · saving…');
    case 'saved':
      return tn(job.savedCount ?? 0, 'Done · {0} file saved|Done · {0} files saved');
    case 'saveFailed':
      return job.savedCount ? tn(job.savedCount, 'Done · {0} saved, saving failed|Done · {0} saved, saving failed') : t('Done · saving failed');
    case 'failed':
      return t('Failed');
    case 'cancelled':
      return t('Cancelled');
  }
}

/** How long the job has taken at RunComfy: from the submit to the end (or now), as one clock-style figure everywhere. */
export function durationOf(job: JobTimes, now: number): string {
  const start = job.submittedAt ?? job.createdAt;
  const end = job.finishedAt ?? now;
  return formatDuration(end - start);
}
