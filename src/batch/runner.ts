// The batch scheduler: sends each item at most once, never more than `concurrency` submitted and unfinished, through injected ports.
import { SubmissionUnknownError, userMessageOf, type ErrorKind } from '../api/errors';
import type { Clock } from '../common/clock';
import { t } from '../common/l10n';
import { type Logger, nullLogger } from '../common/logger';
import {
  allSettled,
  type BatchItem,
  type BatchRecord,
  countsOf,
  holdsSlot,
  itemCancellable,
  type ItemJob,
  MAX_CONCURRENCY,
  MIN_CONCURRENCY,
  mirrorJob,
  cancelUnsent,
  refuseItem,
  settleAfterReload,
  withItem,
} from './batch';
import { type BatchStore, BatchTable } from './batchTable';

export type { BatchStore } from './batchTable';

/** What became of one submit: the only call that costs money, made once per item and never retried. */
export type SubmitAnswer =
  | { kind: 'accepted'; job: ItemJob }
  /** Sent, and its answer lost: RunComfy may have created (and billed) it. */
  | { kind: 'unknown'; error: string }
  /** Clearly refused, nothing created; `stopsBatch` when every other item would be refused the same way (token, balance). */
  | { kind: 'refused'; error: string; stopsBatch: boolean };

/**
 * Refusals every later item would meet too, so sending the rest would only collect refusals (and risk paid attempts):
 * the token, the balance, the account, and inline images the service does not take.
 */
const STOPS_BATCH: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['auth', 'balance', 'forbidden', 'inlineImagesRefused']);

/** What a failed submit means for its batch: an answer lost (the job may exist) or a refusal, which may stop the rest. */
export function submitAnswerOfError(e: unknown): Exclude<SubmitAnswer, { kind: 'accepted' }> {
  if (e instanceof SubmissionUnknownError) return { kind: 'unknown', error: userMessageOf(e) };
  const kind = (e as { kind?: unknown } | undefined)?.kind;
  return { kind: 'refused', error: userMessageOf(e), stopsBatch: STOPS_BATCH.has(kind as ErrorKind) };
}

export interface BatchPorts<P> {
  store: BatchStore;
  /** For the stored times only: the runner moves on events, never on timers. */
  clock: Clock;
  logger?: Logger;
  newId(): string;
  /** Checks and fits one item's inputs just before it is sent; throws (with the user's message) when it cannot be. */
  prepare(batch: BatchRecord, index: number, signal: AbortSignal): Promise<P>;
  /** Sends the item's one submit. */
  submit(batch: BatchRecord, index: number, jobId: string, prepared: P): Promise<SubmitAnswer>;
  /** Asks RunComfy to cancel a queued job; its job reports what came of it. */
  cancel(jobId: string): Promise<unknown>;
  /** What the job engine knows of a job now. */
  job(jobId: string): ItemJob | undefined;
  /** Told after every change (batch.json follows it). */
  changed?: (batch: BatchRecord) => void;
}

export type BatchInit = Pick<
  BatchRecord,
  'origin' | 'prompt' | 'options' | 'fit' | 'references' | 'root' | 'folder' | 'label' | 'concurrency' | 'unitPrice'
> & {
  items: Array<Pick<BatchItem, 'source' | 'relative'>>;
};

export class BatchRunner<P> {
  private readonly table: BatchTable;
  private readonly preparing = new Map<string, Set<number>>();
  private readonly lifetime = new AbortController();
  private readonly logger: Logger;
  private readonly work = new Set<Promise<void>>();
  /** Jobs RunComfy was already asked to cancel: a batch cancel and a submit answer arriving at the same moment ask once. */
  private readonly cancelAsked = new Set<string>();
  /** Fires with the batch after each change. */
  readonly onDidChange: BatchTable['onDidChange'];

  constructor(private readonly ports: BatchPorts<P>) {
    this.logger = ports.logger ?? nullLogger;
    this.table = new BatchTable({ store: ports.store, clock: ports.clock, logger: this.logger, changed: ports.changed });
    this.onDidChange = this.table.onDidChange;
  }

  /** Newest first. */
  list(): BatchRecord[] {
    return this.table.list();
  }

  get(id: string): BatchRecord | undefined {
    return this.table.get(id);
  }

  private get closed(): boolean {
    return this.table.isClosed;
  }

  /**
   * Reads stored batches and settles what a reload interrupted: an item whose submit was in flight takes its job's
   * state, or becomes "submission unknown" (never resent). Sends nothing: `continue()` does, once the user is told.
   * Returns the batches that are not finished.
   */
  async restore(): Promise<BatchRecord[]> {
    const stored = await this.ports.store.load();
    for (const batch of stored) {
      if (this.table.get(batch.id)) continue;
      this.table.put({ ...batch, items: batch.items.map((item) => settleAfterReload(item, item.jobId ? this.ports.job(item.jobId) : undefined)) });
      this.finishIfSettled(batch.id);
    }
    await this.table.persist();
    for (const batch of this.table.list()) this.table.announce(batch);
    return this.list().filter((b) => b.state !== 'finished');
  }

  /** Resumes sending for every running batch (after a restore). */
  continue(): void {
    for (const batch of this.table.list()) this.pump(batch.id);
  }

  /** Stores the batch (durably) before anything is sent, then starts sending. */
  async start(init: BatchInit): Promise<BatchRecord> {
    if (init.items.length === 0) throw new Error(t('The batch has no images.'));
    const now = this.ports.clock.now();
    const batch: BatchRecord = {
      ...init,
      id: this.ports.newId(),
      state: 'running',
      createdAt: now,
      updatedAt: now,
      concurrency: Math.min(MAX_CONCURRENCY, Math.max(MIN_CONCURRENCY, Math.floor(init.concurrency))),
      references: init.references.map((r) => ({ ...r })),
      items: init.items.map((i) => ({ source: i.source, relative: i.relative, state: 'pending' })),
    };
    this.table.put(batch);
    await this.table.persist();
    this.table.announce(batch);
    this.logger.info(`batch ${batch.id}: ${batch.items.length} item(s), ${batch.concurrency} at a time`);
    this.pump(batch.id);
    return this.table.get(batch.id) ?? batch;
  }

  /** Sends nothing more until resumed; what is in flight goes on. */
  async pause(id: string): Promise<void> {
    if (this.table.get(id)?.state !== 'running') return;
    await this.update(id, (b) => ({ ...b, state: 'paused' }));
  }

  async resume(id: string): Promise<void> {
    if (this.table.get(id)?.state !== 'paused') return;
    await this.update(id, (b) => ({ ...b, state: 'running' }));
    this.pump(id);
  }

  /**
   * Unsent items are never sent; queued jobs are asked to cancel (RunComfy says whether it could); running ones
   * finish and are saved. Resolves once every cancel has been answered.
   */
  async cancel(id: string): Promise<void> {
    const batch = this.table.get(id);
    if (!batch || (batch.state !== 'running' && batch.state !== 'paused')) return;
    await this.update(id, cancelUnsent);
    const queued = (this.table.get(id)?.items ?? []).filter((item) => item.jobId && itemCancellable(item));
    await Promise.all(queued.map((item) => this.cancelJob(item.jobId!)));
    this.finishIfSettled(id);
  }

  /** The engine's news about a job; an item of a batch follows its job's state. */
  jobChanged(jobId: string, job: ItemJob): void {
    const at = this.table.itemOfJob(jobId);
    const batch = at && this.table.get(at.batchId);
    if (!at || !batch || this.closed) return;
    const item = batch.items[at.index];
    if (!item || item.jobId !== jobId || item.state === 'pending' || item.state === 'notSent') return;
    const next = mirrorJob(item, job);
    if (JSON.stringify(next) === JSON.stringify(item)) return;
    void this.update(at.batchId, (b) => withItem(b, at.index, next));
    if (holdsSlot(item) && !holdsSlot(next)) this.pump(at.batchId);
    this.finishIfSettled(at.batchId);
  }

  /** Resolves with the batch once every item has an outcome; `signal` stops the waiting, never the batch. */
  waitForEnd(id: string, signal?: AbortSignal): Promise<BatchRecord> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const batch = this.table.get(id);
        if (!batch) return (fail(new Error(t('No batch with id {0} is known.', id))), true);
        if (batch.state !== 'finished') return false;
        sub.dispose();
        signal?.removeEventListener('abort', onAbort);
        resolve(batch);
        return true;
      };
      const fail = (e: unknown) => {
        sub.dispose();
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      };
      const onAbort = () => fail(signal?.reason ?? new Error('aborted'));
      const sub = this.table.onDidChange((b) => void (b.id === id && check()));
      if (check()) return;
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Resolves when no preparation, submit or write is in flight (tests and shutdown use it). */
  async idle(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work]);
    await this.table.flushed();
  }

  /** Stops sending; a submit already on the wire is answered (and stored) by the engine, never resent. */
  dispose(): void {
    this.table.close();
    this.lifetime.abort(new Error('the batch runner was disposed'));
  }

  // ---- sending ----

  private pump(id: string): void {
    const batch = this.table.get(id);
    if (!batch || batch.state !== 'running' || this.closed) return;
    const preparing = this.preparingOf(id);
    let free = batch.concurrency - countsOf(batch).inFlight - preparing.size;
    for (let index = 0; index < batch.items.length && free > 0; index++) {
      if (batch.items[index].state !== 'pending' || preparing.has(index)) continue;
      preparing.add(index);
      free -= 1;
      this.track(this.launch(id, index));
    }
  }

  private async launch(id: string, index: number): Promise<void> {
    const preparing = this.preparingOf(id);
    let prepared: P;
    try {
      prepared = await this.ports.prepare(this.table.get(id)!, index, this.lifetime.signal);
    } catch (e) {
      preparing.delete(index);
      if (this.closed) return;
      if (this.table.get(id)?.items[index]?.state === 'pending') {
        const error = messageOf(e);
        this.logger.warn(`batch ${id} item ${index + 1}: not sent: ${error}`);
        await this.update(id, (b) => withItem(b, index, { ...b.items[index], state: 'notSent', notSent: 'refused', error }));
      }
      this.pump(id);
      this.finishIfSettled(id);
      return;
    }
    const batch = this.table.get(id);
    // Paused or cancelled while it was being prepared: it stays unsent (and is picked up again on resume).
    if (this.closed || !batch || batch.state !== 'running' || batch.items[index].state !== 'pending') {
      preparing.delete(index);
      this.finishIfSettled(id);
      return;
    }
    const jobId = this.ports.newId();
    this.table.linkJob(jobId, id, index);
    preparing.delete(index);
    // Stored before the submit goes out, so a reload mid-submit finds it and never sends it again.
    await this.update(id, (b) => withItem(b, index, { ...b.items[index], state: 'submitting', jobId }));
    if (this.closed) return;
    const now = this.table.get(id);
    if (now && now.state !== 'running') {
      // Paused or cancelled while that was being stored: nothing has gone out, so the item is simply not sent yet.
      this.table.unlinkJob(jobId);
      const { jobId: _jobId, ...unsent } = now.items[index];
      await this.update(id, (b) =>
        now.state === 'paused' ? withItem(b, index, { ...unsent, state: 'pending' }) : cancelUnsent(withItem(b, index, { ...unsent, state: 'pending' })),
      );
      this.finishIfSettled(id);
      return;
    }
    let answer: SubmitAnswer;
    try {
      answer = await this.ports.submit(this.table.get(id)!, index, jobId, prepared);
    } catch (e) {
      // A submit port that throws has not said the request was refused, so it may have been billed.
      answer = { kind: 'unknown', error: messageOf(e) };
    }
    await this.afterSubmit(id, index, jobId, answer);
    this.pump(id);
    this.finishIfSettled(id);
  }

  private async afterSubmit(id: string, index: number, jobId: string, answer: SubmitAnswer): Promise<void> {
    const item = this.table.get(id)?.items[index];
    if (!item || this.closed) return;
    switch (answer.kind) {
      case 'accepted': {
        const job = this.ports.job(jobId) ?? answer.job;
        const next = mirrorJob(item, job);
        await this.update(id, (b) => withItem(b, index, next));
        if (this.table.get(id)?.state === 'cancelled' && itemCancellable(next)) {
          await this.cancelJob(jobId);
        }
        return;
      }
      case 'unknown':
        await this.update(id, (b) => withItem(b, index, { ...item, state: 'submissionUnknown', error: answer.error }));
        return;
      case 'refused': {
        this.table.unlinkJob(jobId);
        const { jobId: _jobId, ...rest } = item;
        this.logger.warn(`batch ${id} item ${index + 1}: refused: ${answer.error}`);
        await this.update(id, (b) => refuseItem(withItem(b, index, rest), index, answer.error, answer.stopsBatch));
        return;
      }
    }
  }

  private async cancelJob(jobId: string): Promise<void> {
    if (this.cancelAsked.has(jobId)) return;
    this.cancelAsked.add(jobId);
    try {
      await this.ports.cancel(jobId);
    } catch (e) {
      // The job is still tracked and saved whatever RunComfy does; only the wish to cancel it is lost.
      this.logger.warn(`batch cancel of ${jobId} failed: ${messageOf(e)}`);
    }
  }

  // ---- state ----

  private finishIfSettled(id: string): void {
    const batch = this.table.get(id);
    if (!batch || batch.state === 'finished' || !allSettled(batch) || this.preparingOf(id).size > 0) return;
    void this.update(id, (b) => ({ ...b, state: 'finished' }));
    this.logger.info(`batch ${id} finished`);
  }

  private update(id: string, change: (batch: BatchRecord) => BatchRecord): Promise<void> {
    return this.table.update(id, change);
  }

  private preparingOf(id: string): Set<number> {
    let set = this.preparing.get(id);
    if (!set) this.preparing.set(id, (set = new Set()));
    return set;
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((e) => this.logger.error(`batch work failed: ${messageOf(e)}`)).finally(() => this.work.delete(tracked));
    this.work.add(tracked);
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
