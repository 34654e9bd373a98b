// A batch of edits as stored: one prompt over many images, each item's fate, and what its counts and statuses mean.
import type { EditOptions } from '../api/model';
import { t } from '../common/l10n';
import type { FitSettings } from '../imaging/fitTypes';
import type { InputRef } from '../jobs/inputChecks';
import { isActive, isCancellable, type JobState, type Outcome, outcomeOf } from '../jobs/rules';

export const MIN_CONCURRENCY = 1;
export const MAX_CONCURRENCY = 10;
export const DEFAULT_CONCURRENCY = 4;
/** Reference images sent with every item: each request holds the item and at most nine more. */
export const MAX_REFERENCES = 9;
/** A batch's state is stored (and rewritten) as one record: past this, splitting the work is kinder to everything. */
export const MAX_BATCH_ITEMS = 1000;

/**
 * `pending` has not been sent; `notSent` never will be (the batch was cancelled first, or its input or the submit was
 * refused before anything was created); every other state is its job's.
 */
export type ItemState = 'pending' | 'notSent' | JobState;

export interface BatchItem {
  /** Absolute path of the source image. */
  source: string;
  /** The source's path below the batch root, with `/` separators: where its results go inside the batch folder. */
  relative: string;
  state: ItemState;
  /** Chosen before the submit is sent, so a reload can find the job whatever became of it. */
  jobId?: string;
  requestId?: string;
  /** Absolute paths of the results on disk. */
  files?: string[];
  cost?: number;
  error?: string;
  /** Why a `notSent` item was not sent. */
  notSent?: 'cancelled' | 'refused';
  /** Its job could not be read for a while (see the rule book's `stalled`). */
  stalled?: boolean;
  cancelOutcome?: string;
}

/** `running` sends items as slots free up; `paused` and `cancelled` send nothing more; `finished` has every item settled. */
export type BatchState = 'running' | 'paused' | 'cancelled' | 'finished';

export interface BatchRecord {
  id: string;
  origin: 'interactive' | 'scripted';
  state: BatchState;
  createdAt: number;
  updatedAt: number;
  prompt: string;
  options: Required<EditOptions>;
  fit: FitSettings;
  /** Sent after each item's own image, in order. */
  references: InputRef[];
  /** The folder the sources' relative paths start from. */
  root: string;
  /** Where this batch's results and batch.json go. */
  folder: string;
  /** The folder results must stay inside (real paths, symlinks followed); see jobs/outputFolder. */
  outputRoot?: string;
  /** A short name for lists (the root folder's name). */
  label: string;
  concurrency: number;
  /** USD per output image when the batch started, if the model's metadata said. */
  unitPrice?: number;
  /** Why sending stopped early (a refused token, no balance), as the user reads it. */
  notice?: string;
  items: BatchItem[];
}

/** What a job tells its batch item. */
export interface ItemJob {
  state: JobState;
  requestId?: string;
  files: string[];
  cost?: number;
  error?: string;
  stalled?: boolean;
  cancelOutcome?: string;
}

export interface BatchCounts {
  total: number;
  /** Ended well: every result saved. */
  done: number;
  /** Ended otherwise: failed, cancelled, not sent, unknown, save failed. */
  failed: number;
  /** Not ended yet: unsent, in flight, being saved. */
  left: number;
  /** Submitted and not final at RunComfy (what the concurrency limit counts). */
  inFlight: number;
  /** Not sent yet. */
  pending: number;
}

function factsOfItem(item: BatchItem) {
  return { state: item.state as JobState, requestId: item.requestId, stalled: item.stalled, cancelOutcome: item.cancelOutcome };
}

/** What a waiting caller is told about the item (the rule book's outcome for a job), or undefined while it goes on. */
export function itemOutcome(item: BatchItem): Outcome | undefined {
  if (item.state === 'pending') return undefined;
  if (item.state === 'notSent') return item.notSent === 'refused' ? 'failed' : 'cancelled';
  return outcomeOf(factsOfItem(item));
}

/** Submitted (or being submitted) and not yet final at RunComfy: it holds one of the batch's slots. */
export function holdsSlot(item: BatchItem): boolean {
  return item.state !== 'pending' && item.state !== 'notSent' && isActive(factsOfItem(item));
}

/** Its job is queued at RunComfy and may still be cancelled. */
export function itemCancellable(item: BatchItem): boolean {
  return item.state !== 'pending' && item.state !== 'notSent' && !!item.jobId && isCancellable(factsOfItem(item));
}

/** The status batch.json shows: the outcome once there is one, else where it stands. */
export function itemStatus(item: BatchItem): string {
  return itemOutcome(item) ?? item.state;
}

export function countsOf(batch: Pick<BatchRecord, 'items'>): BatchCounts {
  const counts: BatchCounts = { total: batch.items.length, done: 0, failed: 0, left: 0, inFlight: 0, pending: 0 };
  for (const item of batch.items) {
    const outcome = itemOutcome(item);
    if (outcome === 'succeeded') counts.done += 1;
    else if (outcome && outcome !== 'stalled') counts.failed += 1;
    else counts.left += 1;
    if (holdsSlot(item)) counts.inFlight += 1;
    if (item.state === 'pending') counts.pending += 1;
  }
  return counts;
}

/** Every item has an outcome (a stalled one counts, as it does for a waiting `runcomfy.edit`). */
export function allSettled(batch: Pick<BatchRecord, 'items'>): boolean {
  return batch.items.every((item) => itemOutcome(item) !== undefined);
}

/** The item's fields after its job changed. */
export function mirrorJob(item: BatchItem, job: ItemJob): BatchItem {
  const next: BatchItem = { source: item.source, relative: item.relative, state: job.state, ...(item.jobId ? { jobId: item.jobId } : {}) };
  if (job.requestId) next.requestId = job.requestId;
  if (job.files.length > 0) next.files = [...job.files];
  if (job.cost !== undefined) next.cost = job.cost;
  if (job.error) next.error = job.error;
  if (job.stalled) next.stalled = true;
  if (job.cancelOutcome) next.cancelOutcome = job.cancelOutcome;
  return next;
}

/** The sum of what RunComfy reported for the items so far. */
export function spentOf(batch: Pick<BatchRecord, 'items'>): number {
  return batch.items.reduce((sum, item) => sum + (item.cost ?? 0), 0);
}

export function withItem(batch: BatchRecord, index: number, item: BatchItem): BatchRecord {
  const items = batch.items.slice();
  items[index] = item;
  return { ...batch, items };
}

/** Cancelled: nothing unsent will ever be sent. */
export function cancelUnsent(batch: BatchRecord): BatchRecord {
  const error = t('Not sent: the batch was cancelled.');
  return {
    ...batch,
    state: batch.state === 'finished' ? 'finished' : 'cancelled',
    items: batch.items.map((item): BatchItem => (item.state === 'pending' ? { ...item, state: 'notSent', notSent: 'cancelled', error } : item)),
  };
}

/** RunComfy clearly refused the item's submit (nothing was created); when every item would meet the same, none is sent. */
export function refuseItem(batch: BatchRecord, index: number, error: string, stopsBatch: boolean): BatchRecord {
  const items = batch.items.map((item, i): BatchItem => {
    if (i === index) return { ...item, state: 'notSent', notSent: 'refused', error };
    if (stopsBatch && item.state === 'pending') return { ...item, state: 'notSent', notSent: 'refused', error: t('Not sent: {0}', error) };
    return item;
  });
  return { ...batch, items, ...(stopsBatch ? { notice: error } : {}) };
}

/** What a reload found of the item: its job's state, or, for a submit that was in flight and left nothing, "submission unknown". */
export function settleAfterReload(item: BatchItem, job: ItemJob | undefined): BatchItem {
  if (!item.jobId || item.state === 'pending' || item.state === 'notSent') return item;
  if (job) return mirrorJob(item, job);
  if (item.state === 'submitting') {
    return {
      ...item,
      state: 'submissionUnknown',
      error: t(
        'The window closed while the submit was in flight, so it is not known whether RunComfy accepted (and charged for) the job. It was not resent. Check your RunComfy dashboard and use "RunComfy: Resume by Request ID" with its request_id.',
      ),
    };
  }
  if (holdsSlot(item) || item.state === 'saving') {
    // The engine no longer knows it (its history was cleared): say how to get the result rather than wait forever.
    return {
      ...item,
      state: 'failed',
      error: t('This job is no longer tracked; use "RunComfy: Resume by Request ID" with {0} to fetch its result.', item.requestId ?? ''),
    };
  }
  return item;
}
