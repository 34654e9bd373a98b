// What the emulated service holds between requests (jobs, output files, tokens, queued behaviours) and its modes.
import type { Clock } from '../../src/common/clock';
import type { Job, JobBehaviour } from './jobs';
import type { EmulatorModes } from './modes';
import type { FileBody, OutputFormat } from './outputFiles';
import { StatsRecorder } from './stats';
import { TokenRules } from './tokens';

export interface EmulatorOptions extends EmulatorModes {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** All job timing reads this clock (default systemClock), so tests can run in simulated time. */
  clock?: Clock;
  /** When set, any other bearer token gets 401 {error_code: 400004}; when unset any non-empty bearer is accepted. */
  requiredToken?: string;
  /** Largest submit body accepted before a 413 (default 100 MiB). */
  maxBodyBytes?: number;
}

export class EmulatorState {
  readonly stats = new StatsRecorder();
  readonly tokens: TokenRules;
  baseUrl = '';
  closed = false;
  /** The modes in force: the options given at start, changed by `configure`, restored by `reset`. */
  modes: EmulatorModes;
  readonly jobs = new Map<string, Job>();
  readonly files = new Map<string, FileBody>();
  behaviours: JobBehaviour[] = [];
  seq = 0;

  constructor(
    readonly options: EmulatorOptions,
    readonly clock: Clock,
  ) {
    this.modes = { ...options };
    this.tokens = new TokenRules(options.requiredToken);
  }

  get format(): OutputFormat {
    return this.modes.outputFormat ?? 'png';
  }

  get price(): number {
    return this.modes.pricePerImageUsd ?? 0.03;
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
    this.tokens.reset();
    this.modes = { ...this.options };
  }
}
