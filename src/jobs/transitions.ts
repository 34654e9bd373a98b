// Every way a job changes: named pure transitions from one state to the next, and the one dispatcher that picks them.
import type { CancelOutcome } from '../api/schemas';
import { t } from '../common/l10n';
import type {
  CancelledJob,
  FailedJob,
  Job,
  QueuedJob,
  RunningJob,
  SavedFileRef,
  SavedJob,
  SaveFailedJob,
  SavingJob,
  SubmissionUnknownJob,
  SubmittingJob,
  TrackedJob,
} from './job';

/** Now, on both clocks: wall time for what is stored, monotonic time for how long something has lasted. */
export interface Instant {
  wall: number;
  mono: number;
}

/** A job whose state cannot be read for this many polls in a row… */
export const STALL_AFTER_FAILURES = 5;
/** …and for at least this long is "stalled": the user is told and `wait` stops waiting. */
export const STALL_AFTER_MS = 30_000;

export type JobEvent =
  /** RunComfy answered the submit with a request_id. */
  | { type: 'accepted'; requestId: string; at: Instant }
  /** The submit was sent but its answer was lost or unreadable (or the window closed while it was in flight). */
  | { type: 'submitLost'; error: string; at: Instant }
  /** A status answer that is not final. `unknown` is a status string this extension has never seen. */
  | { type: 'polled'; remote: 'queued' | 'running' | 'unknown'; rawStatus: string; queuePosition?: number; at: Instant }
  /** A poll that could not read the state (network, 5xx, a gateway page…). */
  | { type: 'pollFailed'; error: string; at: Instant }
  /** The result says the job is over. */
  | {
      type: 'finished';
      remote: 'succeeded' | 'failed' | 'cancelled';
      rawStatus: string;
      outputUrls: string[];
      error?: string;
      cost?: number;
      at: Instant;
    }
  /** RunComfy's own 404001 from both /status and /result: the request does not exist (any more). */
  | { type: 'gone'; error: string; at: Instant }
  | { type: 'cancelAnswered'; outcome: CancelOutcome; at: Instant }
  /** One save attempt ended: what is on disk now, the URLs it used, and why the rest failed. */
  | { type: 'saveEnded'; files: SavedFileRef[]; outputUrls: string[]; failure?: { error: string; retryable: boolean }; at: Instant }
  /** The user (or a reload) asks for the outputs to be saved again. */
  | { type: 'retrySave'; at: Instant }
  | { type: 'seen'; at: Instant }
  /** Read back from storage after a reload. */
  | { type: 'restored'; at: Instant };

export type JobEventType = JobEvent['type'];

// ---- the named transitions ----

export function accept(job: SubmittingJob, e: Extract<JobEvent, { type: 'accepted' }>): QueuedJob {
  return { ...common(job, e.at), state: 'queued', requestId: e.requestId, submittedAt: e.at.wall };
}

export function loseSubmission(job: SubmittingJob, e: Extract<JobEvent, { type: 'submitLost' }>): SubmissionUnknownJob {
  return { ...common(job, e.at), state: 'submissionUnknown', error: e.error, seen: false };
}

export function applyPoll(job: TrackedJob, e: Extract<JobEvent, { type: 'polled' }>): TrackedJob {
  const base = { ...tracked(job, e.at), remoteStatus: e.rawStatus };
  if (e.remote === 'unknown') return job.state === 'queued' ? { ...base, state: 'queued', queuePosition: job.queuePosition } : { ...base, state: 'running' };
  if (e.remote === 'running') return { ...base, state: 'running', startedAt: job.startedAt ?? e.at.wall } satisfies RunningJob;
  return { ...base, state: 'queued', queuePosition: e.queuePosition } satisfies QueuedJob;
}

export function notePollFailure(job: TrackedJob, e: Extract<JobEvent, { type: 'pollFailed' }>): TrackedJob {
  const failures = (job.trouble?.failures ?? 0) + 1;
  const sinceMono = job.trouble?.sinceMono ?? e.at.mono;
  const stalled = failures >= STALL_AFTER_FAILURES && e.at.mono - sinceMono >= STALL_AFTER_MS;
  return { ...job, updatedAt: e.at.wall, trouble: { failures, sinceMono, error: e.error, stalled } };
}

export function finish(job: TrackedJob, e: Extract<JobEvent, { type: 'finished' }>): SavingJob | SaveFailedJob | FailedJob | CancelledJob {
  const base = { ...tracked(job, e.at), remoteStatus: e.rawStatus, finishedAt: e.at.wall, ...(e.cost !== undefined ? { cost: e.cost } : {}) };
  if (e.remote === 'cancelled') return { ...base, state: 'cancelled' };
  if (e.remote === 'failed') {
    const error = e.error ? t('RunComfy reported the job failed: {0}', e.error) : t('RunComfy reported the job failed without a reason.');
    return { ...base, state: 'failed', error, seen: false };
  }
  const outputs = { outputUrls: [...e.outputUrls], files: [], attempts: 0 };
  if (e.outputUrls.length === 0) {
    return { ...base, ...outputs, state: 'saveFailed', error: t('RunComfy reported success but returned no output file.'), retryable: false, seen: false };
  }
  return { ...base, ...outputs, state: 'saving' };
}

export function markGone(job: TrackedJob, e: Extract<JobEvent, { type: 'gone' }>): FailedJob {
  return { ...tracked(job, e.at), state: 'failed', finishedAt: e.at.wall, error: e.error, seen: false };
}

export function applyCancelAnswer(job: TrackedJob, e: Extract<JobEvent, { type: 'cancelAnswered' }>): TrackedJob | CancelledJob {
  if (e.outcome === 'cancelled') return { ...tracked(job, e.at), state: 'cancelled', cancelOutcome: 'cancelled', finishedAt: e.at.wall };
  return { ...job, updatedAt: e.at.wall, cancelOutcome: e.outcome };
}

export function applySave(job: SavingJob, e: Extract<JobEvent, { type: 'saveEnded' }>): SavedJob | SaveFailedJob {
  const files = mergeFiles(job.files, e.files);
  const base = { ...job, updatedAt: e.at.wall, outputUrls: [...e.outputUrls], files, attempts: job.attempts + 1 };
  if (!e.failure) return { ...base, state: 'saved' };
  return { ...base, state: 'saveFailed', error: e.failure.error, retryable: e.failure.retryable, seen: false };
}

export function retrySave(job: SaveFailedJob, e: Extract<JobEvent, { type: 'retrySave' }>): SavingJob {
  const { error: _error, retryable: _retryable, ...rest } = job;
  return { ...rest, state: 'saving', updatedAt: e.at.wall };
}

export function markSeen<J extends Job>(job: J, e: Extract<JobEvent, { type: 'seen' }>): J {
  return job.seen ? job : { ...job, seen: true, updatedAt: e.at.wall };
}

/** After a reload: a submit in flight is now of unknown fate; what a poll streak measured no longer holds. */
export function restore(job: Job, e: Extract<JobEvent, { type: 'restored' }>): Job {
  if (job.state === 'submitting') {
    return loseSubmission(job, {
      type: 'submitLost',
      error: t(
        'The window closed while the submit was in flight, so it is not known whether RunComfy accepted (and charged for) the job. It was not resent. Check your RunComfy dashboard and use "RunComfy: Resume by Request ID" with its request_id.',
      ),
      at: e.at,
    });
  }
  if ((job.state === 'queued' || job.state === 'running') && job.trouble) {
    const { trouble: _trouble, ...rest } = job;
    return rest;
  }
  return job;
}

// ---- the dispatcher ----

/** The next state, or undefined when the event means nothing in the job's current state (it is then ignored). */
export function transition(job: Job, e: JobEvent): Job | undefined {
  switch (e.type) {
    case 'accepted':
      return job.state === 'submitting' ? accept(job, e) : undefined;
    case 'submitLost':
      return job.state === 'submitting' ? loseSubmission(job, e) : undefined;
    case 'polled':
      return job.state === 'queued' || job.state === 'running' ? applyPoll(job, e) : undefined;
    case 'pollFailed':
      return job.state === 'queued' || job.state === 'running' ? notePollFailure(job, e) : undefined;
    case 'finished':
      return job.state === 'queued' || job.state === 'running' ? finish(job, e) : undefined;
    case 'gone':
      return job.state === 'queued' || job.state === 'running' ? markGone(job, e) : undefined;
    case 'cancelAnswered':
      return job.state === 'queued' || job.state === 'running' ? applyCancelAnswer(job, e) : undefined;
    case 'saveEnded':
      return job.state === 'saving' ? applySave(job, e) : undefined;
    case 'retrySave':
      return job.state === 'saveFailed' ? retrySave(job, e) : undefined;
    case 'seen':
      return markSeen(job, e);
    case 'restored':
      return restore(job, e);
  }
}

// ---- helpers ----

function common(job: Job, at: Instant) {
  return {
    id: job.id,
    origin: job.origin,
    prompt: job.prompt,
    options: job.options,
    inputs: job.inputs,
    outputDir: job.outputDir,
    ...(job.outputRoot !== undefined ? { outputRoot: job.outputRoot } : {}),
    baseName: job.baseName,
    createdAt: job.createdAt,
    updatedAt: at.wall,
    ...(job.seen !== undefined ? { seen: job.seen } : {}),
    ...(job.batch !== undefined ? { batch: job.batch } : {}),
  };
}

/** The fields every job known by a request_id keeps, without the ones that belong to one state (position, trouble). */
function tracked(job: TrackedJob, at: Instant) {
  return {
    ...common(job, at),
    requestId: job.requestId,
    submittedAt: job.submittedAt,
    ...(job.startedAt !== undefined ? { startedAt: job.startedAt } : {}),
    ...(job.remoteStatus !== undefined ? { remoteStatus: job.remoteStatus } : {}),
    ...(job.cost !== undefined ? { cost: job.cost } : {}),
    ...(job.cancelOutcome !== undefined ? { cancelOutcome: job.cancelOutcome } : {}),
  };
}

function mergeFiles(before: readonly SavedFileRef[], added: readonly SavedFileRef[]): SavedFileRef[] {
  const files = [...before];
  for (const file of added) if (!files.some((f) => f.path === file.path)) files.push({ ...file });
  return files;
}

// ---- where a job begins ----

export type JobFields = Pick<Job, 'origin' | 'prompt' | 'options' | 'inputs' | 'outputDir' | 'outputRoot' | 'baseName' | 'batch'>;

export function startSubmission(id: string, fields: JobFields, at: Instant): SubmittingJob {
  return { id, ...fields, state: 'submitting', createdAt: at.wall, updatedAt: at.wall };
}

/** A request_id made elsewhere (or earlier), picked up without a submit; its first answer moves it on. */
export function startResumed(id: string, requestId: string, fields: JobFields, at: Instant): QueuedJob {
  return { id, ...fields, state: 'queued', requestId, submittedAt: at.wall, createdAt: at.wall, updatedAt: at.wall };
}
