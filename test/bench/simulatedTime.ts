// Drives a ManualClock event by event: simulated time moves to the next timer only once every real HTTP call in flight has settled.
import type { ManualClock } from '../support/manualClock';

export interface DriveOptions {
  /** Resolves when the code under test has no real I/O in flight. */
  settle: () => Promise<void>;
  /** True when the run is over. */
  done: () => boolean;
  /** Simulated time after which the run stops whether or not it is done. */
  limitMs: number;
  /** Real time to wait for `settle` before moving on anyway (e.g. something waits on a clock timer). */
  settleTimeoutMs?: number;
  /** Upper bound on clock steps, so a run can never spin forever. */
  maxSteps?: number;
}

export interface DriveOutcome {
  steps: number;
  /** Steps where `settle` did not resolve within the real-time bound. */
  stalls: number;
  /** Simulated ms from the start of the drive to its end. */
  simulatedMs: number;
  finished: boolean;
}

/** Rounds of waiting (each up to settleTimeoutMs of real time) for requests in flight when no timer is due. */
const MAX_IDLE_WAITS = 30;

function realDelay(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('timeout'), ms);
    t.unref?.();
  });
}

/**
 * Network round trips take no simulated time: the clock jumps to the next due timer only when nothing is in flight,
 * so measured delays are the scheduling delays of the code under test, not loopback latency.
 */
export async function driveClock(clock: ManualClock, options: DriveOptions): Promise<DriveOutcome> {
  const start = clock.now();
  const end = start + options.limitMs;
  const maxSteps = options.maxSteps ?? 200_000;
  const settleTimeoutMs = options.settleTimeoutMs ?? 2000;
  let steps = 0;
  let stalls = 0;
  const settle = async () => {
    const outcome = await Promise.race([options.settle().then(() => 'settled' as const), realDelay(settleTimeoutMs)]);
    if (outcome === 'timeout') stalls++;
  };
  await settle();
  let idleWaits = 0;
  while (!options.done() && clock.now() < end && steps < maxSteps) {
    const next = clock.nextDueAt();
    // Nothing due yet the run is not over: requests are still on their way (a busy machine), so wait for them in real
    // time rather than jump to the end, for a bounded number of rounds.
    if (next === undefined && idleWaits < MAX_IDLE_WAITS) {
      idleWaits++;
      await settle();
      continue;
    }
    idleWaits = 0;
    await clock.advanceTo(Math.min(next ?? end, end));
    await settle();
    steps++;
  }
  return { steps, stalls, simulatedMs: clock.now() - start, finished: options.done() };
}

/** Counts operations in flight and lets a driver wait until there are none. */
export class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.count++;
    try {
      return await work();
    } finally {
      this.count--;
      if (this.count === 0) {
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w();
      }
    }
  }

  get size(): number {
    return this.count;
  }

  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
