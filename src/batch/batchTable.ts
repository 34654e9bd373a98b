// The batches in memory: every change replaces the record, is announced at once and stored in order; writes coalesce.
import type { Clock } from '../common/clock';
import { Emitter } from '../common/emitter';
import type { Logger } from '../common/logger';
import type { BatchRecord } from './batch';

export interface BatchStore {
  load(): Promise<BatchRecord[]>;
  /** Resolves once the list is durable. */
  save(batches: readonly BatchRecord[]): Promise<void>;
}

/** Finished batches kept in storage (their batch.json stays on disk whatever happens). */
const KEEP_FINISHED = 20;

export class BatchTable {
  private readonly batches = new Map<string, BatchRecord>();
  /** Which batch item each job belongs to. */
  private readonly byJob = new Map<string, { batchId: string; index: number }>();
  private readonly changes = new Emitter<BatchRecord>();
  private lastWrite: Promise<void> = Promise.resolve();
  private nextWrite: Promise<void> | undefined;
  private closed = false;
  readonly onDidChange = this.changes.event;

  constructor(private readonly deps: { store: BatchStore; clock: Clock; logger: Logger; changed?: (batch: BatchRecord) => void }) {}

  /** Newest first. */
  list(): BatchRecord[] {
    return [...this.batches.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  get(id: string): BatchRecord | undefined {
    return this.batches.get(id);
  }

  itemOfJob(jobId: string): { batchId: string; index: number } | undefined {
    return this.byJob.get(jobId);
  }

  linkJob(jobId: string, batchId: string, index: number): void {
    this.byJob.set(jobId, { batchId, index });
  }

  unlinkJob(jobId: string): void {
    this.byJob.delete(jobId);
  }

  /** Puts a batch read from storage (or just made) in place, with its jobs, without storing or announcing it. */
  put(batch: BatchRecord): void {
    this.batches.set(batch.id, batch);
    batch.items.forEach((item, index) => item.jobId && this.byJob.set(item.jobId, { batchId: batch.id, index }));
  }

  /** Applies a change at once (so the next decision sees it), announces it, and resolves once it is stored. */
  update(id: string, change: (batch: BatchRecord) => BatchRecord): Promise<void> {
    const batch = this.batches.get(id);
    if (!batch || this.closed) return Promise.resolve();
    const next = { ...change(batch), updatedAt: this.deps.clock.now() };
    this.batches.set(id, next);
    this.announce(next);
    return this.persist();
  }

  announce(batch: BatchRecord): void {
    this.deps.changed?.(batch);
    this.changes.fire(batch);
  }

  /** Writes coalesce: a change made while a write is waiting rides with it; each resolves once its state is durable. */
  persist(): Promise<void> {
    if (this.nextWrite) return this.nextWrite;
    const write = this.lastWrite.then(async () => {
      this.nextWrite = undefined;
      if (this.closed) return;
      try {
        await this.deps.store.save(this.storedList());
      } catch (e) {
        this.deps.logger.error(`could not store batches: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    this.nextWrite = write;
    this.lastWrite = write;
    return write;
  }

  /** Resolves when every write asked for so far is done. */
  flushed(): Promise<void> {
    return this.lastWrite;
  }

  /** No write and no announcement after this. */
  close(): void {
    this.closed = true;
    this.changes.dispose();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private storedList(): BatchRecord[] {
    const all = this.list();
    const old = all.filter((b) => b.state === 'finished').slice(KEEP_FINISHED);
    for (const batch of old) {
      this.batches.delete(batch.id);
      for (const item of batch.items) if (item.jobId) this.byJob.delete(item.jobId);
    }
    return all.filter((b) => !old.includes(b));
  }
}
