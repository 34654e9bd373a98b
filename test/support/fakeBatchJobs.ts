// A stand-in for RunComfy and the job engine behind a BatchRunner's ports, in simulated time, that records every submit and the most jobs unfinished at once.
import type { BatchItem, BatchRecord, ItemJob } from '../../src/batch/batch';
import { parseStoredBatches } from '../../src/batch/batchSchema';
import type { BatchInit, BatchPorts, BatchRunner, BatchStore, SubmitAnswer } from '../../src/batch/runner';
import type { JobState } from '../../src/jobs/rules';
import type { ManualClock } from './manualClock';

/** How one item's submit and job behave (by its source's base name). */
export interface ItemPlan {
  queueMs?: number;
  runMs?: number;
  /** The job ends failed at RunComfy. */
  fail?: boolean;
  /** Its preparation refuses it locally. */
  unpreparable?: boolean;
  /** The submit is answered with a clear refusal (nothing created). */
  refuse?: 'plain' | 'systemic';
  /** The submit's answer is lost. */
  lose?: boolean;
  /** The submit is never answered (until `releaseHeld`). */
  hold?: boolean;
  /** Like `hold`, but the job is already known and queued (as the engine stores a request_id before the submit returns). */
  holdAfterKnown?: boolean;
  /** RunComfy answers a cancel of this job after this long. */
  cancelMs?: number;
}

export class MemoryBatchStore implements BatchStore {
  private raw: unknown = [];
  saves = 0;

  async load(): Promise<BatchRecord[]> {
    return parseStoredBatches(JSON.parse(JSON.stringify(this.raw)));
  }

  async save(batches: readonly BatchRecord[]): Promise<void> {
    this.saves += 1;
    this.raw = JSON.parse(JSON.stringify(batches));
  }

  stored(): BatchRecord[] {
    return JSON.parse(JSON.stringify(this.raw)) as BatchRecord[];
  }
}

interface FakeJob extends ItemJob {
  source: string;
  timers: Array<{ cancel(): void }>;
}

export class FakeBatchJobs {
  readonly jobs = new Map<string, FakeJob>();
  /** Sources in the order their submits went out. */
  readonly submits: string[] = [];
  readonly cancels: string[] = [];
  /** The most jobs submitted and not final at RunComfy at any moment. */
  maxActive = 0;
  /** Every moment the limit was broken, for the assertion message. */
  readonly violations: string[] = [];
  private runner: BatchRunner<string> | undefined;
  private readonly held: Array<() => void> = [];
  private seq = 0;
  private ids = 0;

  constructor(
    private readonly clock: ManualClock,
    private readonly limit: number,
    private readonly plans: Record<string, ItemPlan> = {},
  ) {}

  /** The ports a runner needs; `store` survives a simulated reload, this object plays the engine's remembered jobs. */
  ports(store: BatchStore): BatchPorts<string> {
    return {
      store,
      clock: this.clock,
      newId: () => `job-${++this.ids}-${Math.random().toString(36).slice(2, 6)}`,
      prepare: async (batch, index) => {
        const item = batch.items[index];
        if (this.planOf(item).unpreparable) throw new Error(`${item.relative} cannot be read`);
        return `prepared:${item.source}`;
      },
      submit: (batch, index, jobId, prepared) => this.submit(batch.items[index], jobId, prepared),
      cancel: async (jobId) => {
        const job = this.jobs.get(jobId);
        const after = job ? this.planOf(job).cancelMs : undefined;
        if (after) await new Promise<void>((resolve) => this.clock.setTimeout(() => resolve(), after));
        return this.cancel(jobId);
      },
      job: (jobId) => {
        const job = this.jobs.get(jobId);
        return job ? view(job) : undefined;
      },
    };
  }

  attach(runner: BatchRunner<string>): void {
    this.runner = runner;
  }

  /** Answers every held submit as accepted (the answer that arrives after a reload is what the engine stored). */
  releaseHeld(): void {
    for (const release of this.held.splice(0)) release();
  }

  active(): number {
    return [...this.jobs.values()].filter((j) => j.state === 'submitting' || j.state === 'queued' || j.state === 'running').length;
  }

  private planOf(item: Pick<BatchItem, 'source'>): ItemPlan {
    return this.plans[item.source.split('/').pop() ?? ''] ?? {};
  }

  private submit(item: BatchItem, jobId: string, prepared: string): Promise<SubmitAnswer> {
    if (prepared !== `prepared:${item.source}`) throw new Error(`submit of ${item.source} with ${prepared}`);
    this.submits.push(item.source);
    const plan = this.planOf(item);
    if (plan.refuse) return Promise.resolve({ kind: 'refused', error: `refused ${item.relative}`, stopsBatch: plan.refuse === 'systemic' });
    const job: FakeJob = { source: item.source, state: 'submitting', files: [], timers: [] };
    this.jobs.set(jobId, job);
    this.check(`submit of ${item.relative}`);
    if (plan.lose) {
      job.state = 'submissionUnknown';
      job.error = 'answer lost';
      return Promise.resolve({ kind: 'unknown', error: 'answer lost' });
    }
    const accept = (): SubmitAnswer => {
      job.state = 'queued';
      job.requestId = `req-${++this.seq}`;
      this.schedule(jobId, job, plan);
      return { kind: 'accepted', job: view(job) };
    };
    if (plan.hold) return new Promise((resolve) => this.held.push(() => resolve(accept())));
    if (plan.holdAfterKnown) {
      const answer = accept();
      this.move(jobId, 'queued');
      return new Promise((resolve) => this.held.push(() => resolve(answer)));
    }
    return Promise.resolve(accept());
  }

  private schedule(jobId: string, job: FakeJob, plan: ItemPlan): void {
    const queueMs = plan.queueMs ?? 1000;
    const runMs = plan.runMs ?? 2000;
    job.timers.push(this.clock.setTimeout(() => this.move(jobId, 'running'), queueMs));
    job.timers.push(
      this.clock.setTimeout(() => {
        if (plan.fail) this.move(jobId, 'failed', { error: 'generation failed' });
        else {
          this.move(jobId, 'saving', { cost: 0.03, files: [] });
          job.timers.push(this.clock.setTimeout(() => this.move(jobId, 'saved', { files: [`${job.source}.out.png`] }), 100));
        }
      }, queueMs + runMs),
    );
  }

  private cancel(jobId: string): 'cancelled' | 'not_cancellable' {
    this.cancels.push(jobId);
    const job = this.jobs.get(jobId);
    if (job?.state !== 'queued') {
      if (job) this.move(jobId, job.state, { cancelOutcome: 'not_cancellable' });
      return 'not_cancellable';
    }
    for (const t of job.timers.splice(0)) t.cancel();
    this.move(jobId, 'cancelled', { cancelOutcome: 'cancelled' });
    return 'cancelled';
  }

  private move(jobId: string, state: JobState, extra: Partial<ItemJob> = {}): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    Object.assign(job, extra, { state });
    this.check(`${jobId} → ${state}`);
    this.runner?.jobChanged(jobId, view(job));
  }

  private check(moment: string): void {
    const active = this.active();
    this.maxActive = Math.max(this.maxActive, active);
    if (active > this.limit) this.violations.push(`${active} unfinished after ${moment}`);
  }
}

function view(job: FakeJob): ItemJob {
  const { source: _source, timers: _timers, ...rest } = job;
  return { ...rest, files: [...job.files] };
}

/** A batch over `names` under /photos, concurrency `concurrency`. */
export function batchInit(names: readonly string[], concurrency: number, folder = '/out/batch'): BatchInit {
  return {
    origin: 'scripted',
    prompt: 'same background',
    options: { size: '2048x2048(1:1)', scale: 0.5, forceSingle: true },
    fit: { mode: 'auto', stripMetadata: true },
    references: [{ kind: 'url', url: 'https://example.com/logo.png' }],
    root: '/photos',
    folder,
    label: 'photos',
    concurrency,
    unitPrice: 0.03,
    items: names.map((n) => ({ source: `/photos/${n}`, relative: n })),
  };
}
