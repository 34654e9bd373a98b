// The engine's jobs in memory: every change goes through a transition, is persisted in order, then announced; history is trimmed by the rule book.
import { userMessageOf } from '../api/errors';
import { Emitter } from '../common/emitter';
import type { Logger } from '../common/logger';
import { factsOf, hasRequestId, type Job } from './job';
import type { JobStore } from './ports';
import { isEvictable } from './rules';
import { type JobEvent, transition } from './transitions';

export interface JobChange {
  job: Job;
  /** The job before this change; undefined for a new job. */
  previous?: Job;
  removed?: boolean;
}

export interface JobTableDeps {
  store: JobStore;
  logger: Logger;
  /** How many jobs history keeps; jobs that still need the user are kept beyond it. */
  historyLimit: number;
}

export class JobTable {
  private readonly jobs = new Map<string, Job>();
  private readonly changes = new Emitter<JobChange>();
  readonly onDidChange = this.changes.event;
  private persisting: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly deps: JobTableDeps) {}

  /** By local id or by request_id. */
  get(idOrRequestId: string): Job | undefined {
    return this.jobs.get(idOrRequestId) ?? [...this.jobs.values()].find((j) => hasRequestId(j) && j.requestId === idOrRequestId);
  }

  /** Newest first. Jobs are immutable values: a change replaces the object. */
  list(): Job[] {
    return [...this.jobs.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  get size(): number {
    return this.jobs.size;
  }

  /** Puts jobs read from storage in place without announcing them one by one. */
  load(jobs: readonly Job[]): void {
    for (const job of jobs) if (!this.jobs.has(job.id)) this.jobs.set(job.id, job);
  }

  async add(job: Job): Promise<void> {
    if (this.closed) return;
    this.jobs.set(job.id, job);
    await this.persist();
    this.changes.fire({ job });
  }

  /**
   * Applies an event through the state machine. Returns the job after it (unchanged when the event means nothing in
   * its state); with `quiet`, a change that alters nothing but the time is neither stored nor announced.
   */
  async apply(id: string, event: JobEvent, quiet = false): Promise<Job | undefined> {
    const job = this.jobs.get(id);
    if (!job || this.closed) return job;
    const next = transition(job, event);
    if (!next) {
      this.deps.logger.debug(`ignored ${event.type} for ${describe(job)} in state ${job.state}`);
      return job;
    }
    if (next === job || (quiet && sameApartFromTime(job, next))) return job;
    this.jobs.set(id, next);
    await this.persist();
    this.changes.fire({ job: next, previous: job });
    return next;
  }

  async remove(id: string): Promise<void> {
    const job = this.jobs.get(id);
    if (!job || this.closed) return;
    this.jobs.delete(id);
    await this.persist();
    this.changes.fire({ job, previous: job, removed: true });
  }

  /** Stores the current list; writes are chained so the store always ends with the latest list, in order. */
  persist(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.trimHistory();
    const snapshot = [...this.jobs.values()];
    const write = this.persisting.then(() => (this.closed ? undefined : this.deps.store.save(snapshot)));
    this.persisting = write.catch((e) => this.deps.logger.error(`could not store jobs: ${userMessageOf(e)}`));
    return write.catch(() => undefined);
  }

  /** Resolves when every write asked for so far is done. */
  flushed(): Promise<void> {
    return this.persisting;
  }

  /** No write and no announcement after this: a disposed engine leaves the store as the last write left it. */
  close(): void {
    this.closed = true;
    this.changes.dispose();
  }

  private trimHistory(): void {
    const excess = this.jobs.size - this.deps.historyLimit;
    if (excess <= 0) return;
    const evictable = [...this.jobs.values()].filter((j) => isEvictable(factsOf(j))).sort((a, b) => a.createdAt - b.createdAt);
    for (const job of evictable.slice(0, excess)) this.jobs.delete(job.id);
  }
}

function describe(job: Job): string {
  return hasRequestId(job) ? job.requestId : job.id;
}

function sameApartFromTime(a: Job, b: Job): boolean {
  return JSON.stringify({ ...a, updatedAt: 0 }) === JSON.stringify({ ...b, updatedAt: 0 });
}
