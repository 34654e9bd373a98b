// An emulated job: its timeline is fixed at submit time and its state is read off the clock, never driven by timers.
import type { Clock } from '../../src/common/clock';
import type { SingleOutputShape } from './modes';
import type { OutputFormat } from './outputFiles';

/** How the next submitted job behaves (queued with `Emulator.nextJob`). */
export interface JobBehaviour {
  /** The job ends failed with this error (a string, or an object given as is). */
  fail?: string | object;
  queueMs?: number;
  runMs?: number;
  /** How many images it produces (overrides force_single and the emulator's outputCount). */
  outputs?: number;
  /** Once finished, its result and files answer 404 (error_code 404001), as after storage expiry. */
  expired?: boolean;
  /** It starts running and never finishes. */
  neverFinishes?: boolean;
  /** Its output files are padded to at least this many bytes (overrides the emulator's outputPadBytes and weight). */
  padBytes?: number;
  /** How its result names a single output (overrides the emulator's singleOutput). */
  singleOutput?: SingleOutputShape;
}

/** What a job's output files will be, fixed when it is created. */
export interface OutputPlan {
  format: OutputFormat;
  width: number;
  height: number;
  requestedWidth: number;
  requestedHeight: number;
  padBytes: number;
  singleOutput: SingleOutputShape;
}

export interface JobInit {
  seq: number;
  requestId: string;
  body: unknown;
  submittedAt: number;
  queueMs: number;
  runMs: number;
  outputs: number;
  error: unknown;
  behaviour: JobBehaviour;
  outputUrls: readonly string[];
  plan: OutputPlan;
}

/** Result-endpoint spelling; the status endpoint says `completed` for `succeeded`. */
export type JobState = 'in_queue' | 'in_progress' | 'succeeded' | 'failed' | 'cancelled';

export interface EmulatedJob {
  readonly requestId: string;
  /** The submitted JSON body. */
  readonly body: unknown;
  /** Clock time of the submit. */
  readonly submittedAt: number;
  readonly queueMs: number;
  readonly runMs: number;
  /** Images it produces when it succeeds. */
  readonly outputs: number;
  /** The error it ends with, or undefined when it succeeds. */
  readonly error: unknown;
  readonly neverFinishes: boolean;
  readonly expired: boolean;
  readonly cancelledAt: number | undefined;
  /** Its state now, on the emulator clock. */
  readonly state: JobState;
  /** Clock time it finished (or will finish), undefined for a job that never does. */
  readonly finishedAt: number | undefined;
  /** Output file URLs (present whether or not the job has finished yet). */
  readonly outputUrls: readonly string[];
  /** Format, size and weight of its output files. */
  readonly plan: OutputPlan;
  /** Makes its result and files answer 404 from now on. */
  expire(): void;
}

export const FAIL_MARKER = '[emulator:fail]';
export const SLOW_MARKER = '[emulator:slow]';
export const SLOW_FACTOR = 10;

export const DEFAULT_FAILURE = {
  message: 'The model could not process this request (emulated failure).',
  code: 'generation_failed',
};

export class Job implements EmulatedJob {
  cancelledAt: number | undefined;
  expired: boolean;
  readonly neverFinishes: boolean;
  readonly seq: number;
  readonly requestId: string;
  readonly body: unknown;
  readonly submittedAt: number;
  readonly queueMs: number;
  readonly runMs: number;
  readonly outputs: number;
  readonly error: unknown;
  readonly outputUrls: readonly string[];
  readonly plan: OutputPlan;

  constructor(
    private readonly clock: Clock,
    init: JobInit,
  ) {
    ({
      seq: this.seq,
      requestId: this.requestId,
      body: this.body,
      submittedAt: this.submittedAt,
      queueMs: this.queueMs,
      runMs: this.runMs,
      outputs: this.outputs,
      error: this.error,
      outputUrls: this.outputUrls,
      plan: this.plan,
    } = init);
    this.expired = init.behaviour.expired ?? false;
    this.neverFinishes = init.behaviour.neverFinishes ?? false;
  }

  get runStartsAt(): number {
    return this.submittedAt + this.queueMs;
  }

  get finishedAt(): number | undefined {
    if (this.cancelledAt !== undefined) return this.cancelledAt;
    return this.neverFinishes ? undefined : this.runStartsAt + this.runMs;
  }

  stateAt(now: number): JobState {
    if (this.cancelledAt !== undefined && now >= this.cancelledAt) return 'cancelled';
    if (now < this.runStartsAt) return 'in_queue';
    if (this.neverFinishes || now < this.runStartsAt + this.runMs) return 'in_progress';
    return this.error === undefined ? 'succeeded' : 'failed';
  }

  get state(): JobState {
    return this.stateAt(this.clock.now());
  }

  expire(): void {
    this.expired = true;
  }
}

/**
 * The most jobs that were created and not yet final at any one moment, read off the jobs' own timeline (created at
 * `submittedAt`, final at `finishedAt`, or never for a job that never finishes).
 */
export function mostUnfinishedAtOnce(jobs: readonly Pick<EmulatedJob, 'submittedAt' | 'finishedAt'>[]): number {
  const edges = jobs.flatMap((j) => [
    { at: j.submittedAt, delta: 1 },
    { at: j.finishedAt ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  // A job that ends at the very moment another is created is not counted with it: ends sort first.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (now += edge.delta));
  return most;
}

/** The status endpoint's word for a state. */
export function statusWord(state: JobState): string {
  return state === 'succeeded' ? 'completed' : state;
}
