// What the emulated service holds between requests (jobs, output files, queued behaviours) and its options.
import type { Clock } from '../../src/common/clock';
import type { Job, JobBehaviour } from './jobs';
import type { FileBody, OutputFormat } from './outputFiles';
import { StatsRecorder } from './stats';

export interface EmulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** All job timing reads this clock (default systemClock), so tests can run in simulated time. */
  clock?: Clock;
  /** How long a job stays in_queue once submitted (default 3000). */
  queueMs?: number;
  /** How long it then stays in_progress (default 5000). */
  runMs?: number;
  /** When set, any other bearer token gets 401 {error_code: 400004}; when unset any non-empty bearer is accepted. */
  requiredToken?: string;
  /** Images produced when force_single is not true (default 2). */
  outputCount?: number;
  /** Default 'png'. */
  outputFormat?: OutputFormat;
  /** Pads each output file to at least this many bytes, still a valid image (default 0). */
  outputPadBytes?: number;
  /** Default 0.03; in the model metadata and as `cost` with ?include_cost=true. */
  pricePerImageUsd?: number;
  /** Largest submit body accepted before a 413 (default 100 MiB). */
  maxBodyBytes?: number;
}

export class EmulatorState {
  readonly stats = new StatsRecorder();
  baseUrl = '';
  closed = false;
  readonly jobs = new Map<string, Job>();
  readonly files = new Map<string, FileBody>();
  behaviours: JobBehaviour[] = [];
  seq = 0;

  constructor(
    readonly options: EmulatorOptions,
    readonly clock: Clock,
  ) {}

  get format(): OutputFormat {
    return this.options.outputFormat ?? 'png';
  }

  get price(): number {
    return this.options.pricePerImageUsd ?? 0.03;
  }

  urlsFor(id: string): { status_url: string; result_url: string; cancel_url: string } {
    const base = `${this.baseUrl}/v1/requests/${encodeURIComponent(id)}`;
    return { status_url: `${base}/status`, result_url: `${base}/result`, cancel_url: `${base}/cancel` };
  }

  /** A finished job whose storage expired: its result and files are gone. */
  isGone(job: Job, now: number): boolean {
    const state = job.stateAt(now);
    return job.expired && (state === 'succeeded' || state === 'failed' || state === 'cancelled');
  }

  queuePosition(job: Job, now: number): number {
    let ahead = 0;
    for (const other of this.jobs.values()) {
      if (other.seq < job.seq && other.stateAt(now) === 'in_queue') ahead += 1;
    }
    return ahead + 1;
  }

  reset(): void {
    this.jobs.clear();
    this.files.clear();
    this.behaviours = [];
    this.stats.reset();
  }
}
