// The batch scheduler: sends each item at most once, never more than `concurrency` submitted and unfinished, through injected ports.
import type { Clock } from '../common/clock';
import { Emitter } from '../common/emitter';
import { t } from '../common/l10n';
import { Logger, nullLogger } from '../common/logger';
import {
  allSettled,
  BatchItem,
  BatchRecord,
  countsOf,
  holdsSlot,
  itemCancellable,
  ItemJob,
  MAX_CONCURRENCY,
  MIN_CONCURRENCY,
  mirrorJob,
} from './batch';

/** What became of one submit: the only call that costs money, made once per item and never retried. */
export type SubmitAnswer =
  | { kind: 'accepted'; job: ItemJob }
  /** Sent, and its answer lost: RunComfy may have created (and billed) it. */
  | { kind: 'unknown'; error: string }
  /** Clearly refused, nothing created; `stopsBatch` when every other item would be refused the same way (token, balance). */
  | { kind: 'refused'; error: string; stopsBatch: boolean };

export interface BatchStore {
  load(): Promise<BatchRecord[]>;
  /** Resolves once the list is durable. */
  save(batches: readonly BatchRecord[]): Promise<void>;
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
  changed?(batch: BatchRecord): void;
}

export type BatchInit = Pick<BatchRecord, 'origin' | 'prompt' | 'options' | 'fit' | 'references' | 'root' | 'folder' | 'label' | 'concurrency' | 'unitPrice'> & {
  items: Array<Pick<BatchItem, 'source' | 'relative'>>;
};

/** Finished batches kept in storage (their batch.json stays on disk whatever happens). */
const KEEP_FINISHED = 20;

export class BatchRunner<P> {
  private readonly batches = new Map<string, BatchRecord>();
  private readonly byJob = new Map<string, { batchId: string; index: number }>();
  private readonly preparing = new Map<string, Set<number>>();
  private readonly changes = new Emitter<BatchRecord>();
  private readonly lifetime = new AbortController();
  private readonly logger: Logger;
  private readonly work = new Set<Promise<void>>();
  private lastWrite: Promise<void> = Promise.resolve();
  private nextWrite: Promise<void> | undefined;
  private closed = false;
  /** Fires with the batch after each change. */
  readonly onDidChange = this.changes.event;

  constructor(private readonly ports: BatchPorts<P>) {
    this.logger = ports.logger ?? nullLogger;
  }

  /** Newest first. */
  list(): BatchRecord[] {
    return [...this.batches.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  get(id: string): BatchRecord | undefined {
    return this.batches.get(id);
  }

  /**
   * Reads stored batches and settles what a reload interrupted: an item whose submit was in flight takes its job's
   * state, or becomes "submission unknown" (never resent). Sends nothing: `continue()` does, once the user is told.
   * Returns the batches that are not finished.
   */
  async restore(): Promise<BatchRecord[]> {
    const stored = await this.ports.store.load();
    for (const batch of stored) {
      if (this.batches.has(batch.id)) continue;
      const items = batch.items.map((item) => this.settleAfterReload(item));
      const next = { ...batch, items };
      this.batches.set(batch.id, next);
      items.forEach((item, index) => item.jobId && this.byJob.set(item.jobId, { batchId: batch.id, index }));
      this.finishIfSettled(batch.id);
    }
    await this.persist();
    for (const batch of this.batches.values()) this.ports.changed?.(batch);
    return this.list().filter((b) => b.state !== 'finished');
  }

  /** Resumes sending for every running batch (after a restore). */
  continue(): void {
    for (const batch of this.batches.values()) this.pump(batch.id);
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
    this.batches.set(batch.id, batch);
    await this.persist();
    this.announce(batch);
    this.logger.info(`batch ${batch.id}: ${batch.items.length} item(s), ${batch.concurrency} at a time`);
    this.pump(batch.id);
    return this.batches.get(batch.id) ?? batch;
  }

  /** Sends nothing more until resumed; what is in flight goes on. */
  async pause(id: string): Promise<void> {
    if (this.batches.get(id)?.state !== 'running') return;
    await this.update(id, (b) => ({ ...b, state: 'paused' }));
  }

  async resume(id: string): Promise<void> {
    if (this.batches.get(id)?.state !== 'paused') return;
    await this.update(id, (b) => ({ ...b, state: 'running' }));
    this.pump(id);
  }

  /**
   * Unsent items are never sent; queued jobs are asked to cancel (RunComfy says whether it could); running ones
   * finish and are saved. Resolves once every cancel has been answered.
   */
  async cancel(id: string): Promise<void> {
    const batch = this.batches.get(id);
    if (!batch || (batch.state !== 'running' && batch.state !== 'paused')) return;
    const error = t('Not sent: the batch was cancelled.');
    await this.update(id, (b) => ({
      ...b,
      state: 'cancelled',
      items: b.items.map((item) => (item.state === 'pending' ? { ...item, state: 'notSent', notSent: 'cancelled', error } : item)),
    }));
    const queued = (this.batches.get(id)?.items ?? []).filter((item) => item.jobId && itemCancellable(item));
    await Promise.all(queued.map((item) => this.cancelJob(item.jobId!)));
    this.finishIfSettled(id);
  }

  /** The engine's news about a job; an item of a batch follows its job's state. */
  jobChanged(jobId: string, job: ItemJob): void {
    const at = this.byJob.get(jobId);
    const batch = at && this.batches.get(at.batchId);
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
        const batch = this.batches.get(id);
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
      const sub = this.changes.event((b) => void (b.id === id && check()));
      if (check()) return;
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Resolves when no preparation, submit or write is in flight (tests and shutdown use it). */
  async idle(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work]);
    await this.lastWrite;
  }

  /** Stops sending; a submit already on the wire is answered (and stored) by the engine, never resent. */
  dispose(): void {
    this.closed = true;
    this.lifetime.abort(new Error('the batch runner was disposed'));
    this.changes.dispose();
  }

  // ---- sending ----

  private pump(id: string): void {
    const batch = this.batches.get(id);
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
      prepared = await this.ports.prepare(this.batches.get(id)!, index, this.lifetime.signal);
    } catch (e) {
      preparing.delete(index);
      if (this.closed) return;
      if (this.batches.get(id)?.items[index]?.state === 'pending') {
        const error = messageOf(e);
        this.logger.warn(`batch ${id} item ${index + 1}: not sent: ${error}`);
        await this.update(id, (b) => withItem(b, index, { ...b.items[index], state: 'notSent', notSent: 'refused', error }));
      }
      this.pump(id);
      this.finishIfSettled(id);
      return;
    }
    const batch = this.batches.get(id);
    // Paused or cancelled while it was being prepared: it stays unsent (and is picked up again on resume).
    if (this.closed || !batch || batch.state !== 'running' || batch.items[index].state !== 'pending') {
      preparing.delete(index);
      this.finishIfSettled(id);
      return;
    }
    const jobId = this.ports.newId();
    this.byJob.set(jobId, { batchId: id, index });
    preparing.delete(index);
    // Stored before the submit goes out, so a reload mid-submit finds it and never sends it again.
    await this.update(id, (b) => withItem(b, index, { ...b.items[index], state: 'submitting', jobId }));
    if (this.closed) return;
    const now = this.batches.get(id);
    if (now && now.state !== 'running') {
      // Paused or cancelled while that was being stored: nothing has gone out, so the item is simply not sent yet.
      this.byJob.delete(jobId);
      const { jobId: _jobId, ...unsent } = now.items[index];
      const reverted: BatchItem = now.state === 'paused' ? { ...unsent, state: 'pending' } : { ...unsent, state: 'notSent', notSent: 'cancelled', error: t('Not sent: the batch was cancelled.') };
      await this.update(id, (b) => withItem(b, index, reverted));
      this.finishIfSettled(id);
      return;
    }
    let answer: SubmitAnswer;
    try {
      answer = await this.ports.submit(this.batches.get(id)!, index, jobId, prepared);
    } catch (e) {
      // A submit port that throws has not said the request was refused, so it may have been billed.
      answer = { kind: 'unknown', error: messageOf(e) };
    }
    await this.afterSubmit(id, index, jobId, answer);
    this.pump(id);
    this.finishIfSettled(id);
  }

  private async afterSubmit(id: string, index: number, jobId: string, answer: SubmitAnswer): Promise<void> {
    const item = this.batches.get(id)?.items[index];
    if (!item || this.closed) return;
    switch (answer.kind) {
      case 'accepted': {
        const job = this.ports.job(jobId) ?? answer.job;
        const next = mirrorJob(item, job);
        await this.update(id, (b) => withItem(b, index, next));
        if (this.batches.get(id)?.state === 'cancelled' && itemCancellable(next)) {
          await this.cancelJob(jobId);
        }
        return;
      }
      case 'unknown':
        await this.update(id, (b) => withItem(b, index, { ...item, state: 'submissionUnknown', error: answer.error }));
        return;
      case 'refused': {
        this.byJob.delete(jobId);
        const { jobId: _jobId, ...rest } = item;
        this.logger.warn(`batch ${id} item ${index + 1}: refused: ${answer.error}`);
        await this.update(id, (b) => {
          const items = b.items.map((it, i): BatchItem => {
            if (i === index) return { ...rest, state: 'notSent', notSent: 'refused', error: answer.error };
            if (answer.stopsBatch && it.state === 'pending') return { ...it, state: 'notSent', notSent: 'refused', error: t('Not sent: {0}', answer.error) };
            return it;
          });
          return { ...b, items, ...(answer.stopsBatch ? { notice: answer.error } : {}) };
        });
        return;
      }
    }
  }

  private async cancelJob(jobId: string): Promise<void> {
    try {
      await this.ports.cancel(jobId);
    } catch (e) {
      // The job is still tracked and saved whatever RunComfy does; only the wish to cancel it is lost.
      this.logger.warn(`batch cancel of ${jobId} failed: ${messageOf(e)}`);
    }
  }

  // ---- state ----

  private settleAfterReload(item: BatchItem): BatchItem {
    if (!item.jobId || item.state === 'pending' || item.state === 'notSent') return item;
    const job = this.ports.job(item.jobId);
    if (job) return mirrorJob(item, job);
    if (item.state === 'submitting') {
      return {
        ...item,
        state: 'submissionUnknown',
        error: t('The window closed while the submit was in flight, so it is not known whether RunComfy accepted (and charged for) the job. It was not resent. Check your RunComfy dashboard and use "RunComfy: Resume by Request ID" with its request_id.'),
      };
    }
    if (holdsSlot(item) || item.state === 'saving') {
      // The engine no longer knows it (its history was cleared): say how to get the result rather than wait forever.
      return { ...item, state: 'failed', error: t('This job is no longer tracked; use "RunComfy: Resume by Request ID" with {0} to fetch its result.', item.requestId ?? '') };
    }
    return item;
  }

  private finishIfSettled(id: string): void {
    const batch = this.batches.get(id);
    if (!batch || batch.state === 'finished' || !allSettled(batch) || this.preparingOf(id).size > 0) return;
    void this.update(id, (b) => ({ ...b, state: 'finished' }));
    this.logger.info(`batch ${id} finished`);
  }

  /** Applies a change at once (so counts are right for the next decision) and resolves once it is stored. */
  private update(id: string, change: (batch: BatchRecord) => BatchRecord): Promise<void> {
    const batch = this.batches.get(id);
    if (!batch || this.closed) return Promise.resolve();
    const next = { ...change(batch), updatedAt: this.ports.clock.now() };
    this.batches.set(id, next);
    this.announce(next);
    return this.persist();
  }

  private announce(batch: BatchRecord): void {
    this.ports.changed?.(batch);
    this.changes.fire(batch);
  }

  /** Writes coalesce: a change made while a write is waiting rides with it; each resolves once its state is durable. */
  private persist(): Promise<void> {
    if (this.nextWrite) return this.nextWrite;
    const write = this.lastWrite.then(async () => {
      this.nextWrite = undefined;
      if (this.closed) return;
      try {
        await this.ports.store.save(this.storedList());
      } catch (e) {
        this.logger.error(`could not store batches: ${messageOf(e)}`);
      }
    });
    this.nextWrite = write;
    this.lastWrite = write;
    return write;
  }

  private storedList(): BatchRecord[] {
    const all = this.list();
    const finished = all.filter((b) => b.state === 'finished').slice(KEEP_FINISHED);
    for (const old of finished) this.forget(old);
    return all.filter((b) => !finished.includes(b));
  }

  private forget(batch: BatchRecord): void {
    this.batches.delete(batch.id);
    for (const item of batch.items) if (item.jobId) this.byJob.delete(item.jobId);
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

function withItem(batch: BatchRecord, index: number, item: BatchItem): BatchRecord {
  const items = batch.items.slice();
  items[index] = item;
  return { ...batch, items };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
