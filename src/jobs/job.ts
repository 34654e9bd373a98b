// The job as a discriminated union keyed by its state: each state carries exactly the fields it guarantees.
import type { CancelOutcome, EditOptions } from '../api/schemas';
import { withoutQuery } from '../common/privateUrl';
import type { FitChange, ImageSide } from '../imaging/fitTypes';
import type { JobFacts } from './rules';

export type { JobState } from './rules';

export interface SavedFileRef {
  url: string;
  path: string;
  sidecarPath?: string;
  bytes?: number;
  /** The saved image's pixel size, read from the file. */
  width?: number;
  height?: number;
}

export interface InputSummary {
  /** A URL, or a file's base name. */
  label: string;
  /** What a sidecar records: the URL, or `name (sha256:…, N bytes)`; never a data URI. */
  summary: string;
  /** Absolute path of a workspace file input, so it can be shown and re-used. */
  path?: string;
  url?: string;
  /** The person's Pad or Crop choice for this file, so running it again sends the same thing. */
  fit?: 'pad' | 'crop';
  /** A local file: what it was and what was sent (dimensions, format, bytes), and what changed; never pixels or metadata. */
  fitted?: { original: ImageSide; sent: ImageSide; changes: FitChange[] };
}

/**
 * An input as a job keeps it (in workspace state, the panel, sidecars): a URL by its origin and path only, marked
 * "query removed". The full URL, which may carry a signature valid for days, is only ever sent to RunComfy.
 */
export function storableInput(input: InputSummary): InputSummary {
  const kept: InputSummary = { ...input, label: withoutQuery(input.label), summary: withoutQuery(input.summary) };
  if (input.url !== undefined) kept.url = withoutQuery(input.url);
  return kept;
}

/** Polls that could not read the job's state, in a row; cleared by the next good answer. */
export interface PollTrouble {
  failures: number;
  /** Monotonic time of the first failure in the row (see Clock.monotonic); meaningless after a reload, so dropped then. */
  sinceMono: number;
  /** The last error, as the user reads it. */
  error: string;
  /** 5 failures and 30 s without a readable answer: the user is told, `wait` gives up, tracking goes on. */
  stalled: boolean;
}

/** The batch a job was sent for, and which of its items it is. */
export interface BatchTag {
  id: string;
  /** The item's index in the batch. */
  item: number;
  /** The batch's short name, for lists. */
  label: string;
}

interface Common {
  /** Local id; a job that reached RunComfy is also known by its requestId. */
  id: string;
  origin: 'submit' | 'resume';
  prompt: string;
  options: EditOptions;
  inputs: InputSummary[];
  outputDir: string;
  /** The folder `outputDir` must really (symlinks followed) be inside; absent when the user chose it in user settings. */
  outputRoot?: string;
  baseName: string;
  createdAt: number;
  updatedAt: number;
  /** The user has looked at this job since it needed them. */
  seen?: boolean;
  /** Present when the job is one item of a batch. */
  batch?: BatchTag;
}

export interface SubmittingJob extends Common {
  state: 'submitting';
}

/** The submit was sent and its answer was lost or unreadable: RunComfy may have created (and billed) it. */
export interface SubmissionUnknownJob extends Common {
  state: 'submissionUnknown';
  error: string;
}

/** Everything RunComfy knows by a request_id. */
interface Tracked extends Common {
  requestId: string;
  submittedAt: number;
  startedAt?: number;
  remoteStatus?: string;
  cost?: number;
  cancelOutcome?: CancelOutcome;
}

export interface QueuedJob extends Tracked {
  state: 'queued';
  queuePosition?: number;
  trouble?: PollTrouble;
}

export interface RunningJob extends Tracked {
  state: 'running';
  trouble?: PollTrouble;
}

interface Finished extends Tracked {
  finishedAt: number;
}

interface WithOutputs extends Finished {
  outputUrls: string[];
  /** Outputs already on disk, in any order. */
  files: SavedFileRef[];
  /** Save attempts made so far (each one retries network failures inside itself). */
  attempts: number;
}

/** RunComfy succeeded; its outputs are being (or about to be) saved. */
export interface SavingJob extends WithOutputs {
  state: 'saving';
}

/** Every output is on disk. */
export interface SavedJob extends WithOutputs {
  state: 'saved';
}

/** RunComfy succeeded but not every output could be saved; `files` holds what was. */
export interface SaveFailedJob extends WithOutputs {
  state: 'saveFailed';
  error: string;
  /** Whether trying again can help (a network failure) or not (a refused host, a file that is not an image). */
  retryable: boolean;
}

export interface FailedJob extends Finished {
  state: 'failed';
  error: string;
}

export interface CancelledJob extends Finished {
  state: 'cancelled';
}

export type Job =
  | SubmittingJob
  | SubmissionUnknownJob
  | QueuedJob
  | RunningJob
  | SavingJob
  | SavedJob
  | SaveFailedJob
  | FailedJob
  | CancelledJob;

export type TrackedJob = QueuedJob | RunningJob;
export type JobWithOutputs = SavingJob | SavedJob | SaveFailedJob;

export function hasRequestId(job: Job): job is Extract<Job, { requestId: string }> {
  return 'requestId' in job && typeof job.requestId === 'string';
}

export function isTracked(job: Job): job is TrackedJob {
  return job.state === 'queued' || job.state === 'running';
}

export function hasOutputs(job: Job): job is JobWithOutputs {
  return job.state === 'saving' || job.state === 'saved' || job.state === 'saveFailed';
}

/** Saved files of any job (none for a job that has no outputs). */
export function filesOf(job: Job): SavedFileRef[] {
  return hasOutputs(job) ? job.files : [];
}

/** The job's problem in words, whatever its state. */
export function problemOf(job: Job): string | undefined {
  switch (job.state) {
    case 'submissionUnknown':
    case 'failed':
    case 'saveFailed':
      return job.error;
    case 'queued':
    case 'running':
      return job.trouble?.error;
    case 'submitting':
    case 'saving':
    case 'saved':
    case 'cancelled':
      return undefined;
  }
}

/** The facts the rule book reads. */
export function factsOf(job: Job): JobFacts {
  return {
    state: job.state,
    requestId: hasRequestId(job) ? job.requestId : undefined,
    queuePosition: job.state === 'queued' ? job.queuePosition : undefined,
    cancelOutcome: hasRequestId(job) ? job.cancelOutcome : undefined,
    seen: job.seen,
    stalled: isTracked(job) && !!job.trouble?.stalled,
    retryable: job.state === 'saveFailed' ? job.retryable : undefined,
    savedCount: hasOutputs(job) ? job.files.length : undefined,
  };
}

/** When RunComfy got it and when it finished, for durations. */
export function timesOf(job: Job): { createdAt: number; submittedAt?: number; finishedAt?: number } {
  return {
    createdAt: job.createdAt,
    submittedAt: hasRequestId(job) ? job.submittedAt : undefined,
    finishedAt: 'finishedAt' in job ? job.finishedAt : undefined,
  };
}
