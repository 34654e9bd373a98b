// The outcome of one edit as a caller (`runcomfy.edit` with `wait: true`) or a notification reports it.
import { factsOf, filesOf, hasRequestId, isTracked, type Job, problemOf } from './job';
import type { EngineHealth } from './poller';
import { type Outcome, outcomeOf } from './rules';

export interface EditOutcome {
  requestId?: string;
  status: Outcome;
  /** Every file on disk for this job; for `succeeded`, all of its outputs. */
  files: string[];
  error?: string;
}

/** The job's outcome, or undefined while there is still an answer to wait for. */
export function outcomeFor(job: Job, health: EngineHealth = {}): EditOutcome | undefined {
  let status = outcomeOf(factsOf(job));
  let error = problemOf(job);
  // With the token refused nothing can be read: after the same grace as a stalled job, say so rather than wait forever.
  if (!status && isTracked(job) && health.authPaused?.stalled) {
    status = 'stalled';
    error = health.authPaused.error;
  }
  if (!status) return undefined;
  return {
    ...(hasRequestId(job) ? { requestId: job.requestId } : {}),
    status,
    files: filesOf(job).map((f) => f.path),
    ...(error ? { error } : {}),
  };
}
