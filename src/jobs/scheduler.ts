// One scheduler polls every tracked job on a single chained timer: when each poll asks for the next (else ~2 s backing off to ~10 s), jittered, on monotonic time.
import type { Clock, TimerHandle } from '../common/clock';

export interface PollPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** ± fraction of each interval, so many windows or jobs do not poll in lockstep. */
  jitter: number;
  /** Intervals are stretched by this while the window is not focused. */
  unfocusedFactor: number;
  /** Polls in flight at once; the rest wait for the next turn. */
  concurrency: number;
  /**
   * After a failed poll the next comes sooner than the longest interval, doubling from `initialMs` up to this, and is
   * not stretched while the window is unfocused: a job out of reach is noticed (stalled) within a minute either way.
   */
  errorMaxMs: number;
  /** The shortest interval a planned poll may ask for: how often a job is polled at most, even when its end is near certain. */
  denseMs: number;
  /** What one request is worth in notice latency, ms: the planner's exchange rate (see noticePlanner). */
  requestWorthMs: number;
  /** The share of jobs the planner takes to run far longer than anything measured (see noticePlanner). */
  surpriseShare: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  initialMs: 2000,
  maxMs: 10_000,
  factor: 1.6,
  jitter: 0.1,
  unfocusedFactor: 2,
  concurrency: 8,
  errorMaxMs: 8000,
  denseMs: 800,
  requestWorthMs: 300,
  surpriseShare: 0.05,
};

/**
 * What one poll found: `changed` resets the interval, `done` stops tracking, `error` backs off on its own schedule.
 * `notBefore` (ms) is a wait the service asked for (Retry-After): the next poll comes no earlier.
 * `nextMs` is the poller's own plan for the next poll (see noticePlanner), kept within denseMs..maxMs.
 */
export type PollResult =
  'changed' | 'unchanged' | 'done' | 'error' | { result: 'error'; notBefore: number } | { result: 'changed' | 'unchanged'; nextMs: number };

interface Entry {
  intervalMs: number;
  /** Failed polls in a row. */
  errors: number;
  dueAt: number;
  running: boolean;
  /** pollSoon() arrived while a poll was in flight: poll again right after it. */
  again: boolean;
}

export class PollScheduler {
  private readonly entries = new Map<string, Entry>();
  private timer: TimerHandle | undefined;
  private timerDueAt = Infinity;
  private focused = true;
  private paused = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    private readonly poll: (id: string) => Promise<PollResult>,
    private readonly policy: PollPolicy = DEFAULT_POLL_POLICY,
    private readonly random: () => number = Math.random,
  ) {}

  /** Starts tracking (or re-arms) a job; its first poll comes after `delayMs` (default: the initial interval). */
  track(id: string, delayMs?: number): void {
    if (this.disposed) return;
    const existing = this.entries.get(id);
    const intervalMs = this.policy.initialMs;
    const dueAt = this.clock.monotonic() + (delayMs ?? this.withJitter(intervalMs));
    if (existing) {
      existing.intervalMs = intervalMs;
      existing.dueAt = Math.min(existing.dueAt, dueAt);
    } else {
      this.entries.set(id, { intervalMs, errors: 0, dueAt, running: false, again: false });
    }
    this.arm();
  }

  untrack(id: string): void {
    this.entries.delete(id);
  }

  isTracking(id: string): boolean {
    return this.entries.has(id);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Polls the given job (or every job) at the next turn of the event loop. */
  pollSoon(id?: string): void {
    const now = this.clock.monotonic();
    for (const [key, entry] of this.entries) {
      if (id !== undefined && key !== id) continue;
      if (entry.running) entry.again = true;
      else entry.dueAt = now;
    }
    this.arm();
  }

  /** Stops every poll at once (polls in flight finish); tracking is kept, so resume() picks every job up again. */
  pause(): void {
    this.paused = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerDueAt = Infinity;
  }

  /** Polls every tracked job at once after a pause. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.pollSoon();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  setFocused(focused: boolean): void {
    if (this.focused === focused) return;
    this.focused = focused;
    // Coming back to the window is when the user looks: show fresh state at once.
    if (focused) this.pollSoon();
  }

  /** Resolves when no poll is in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.entries.clear();
  }

  private nextDelay(entry: Entry, result: PollResult): number {
    const { policy } = this;
    if (result === 'error' || (typeof result === 'object' && result.result === 'error')) {
      entry.errors++;
      entry.intervalMs = policy.maxMs;
      const notBefore = typeof result === 'object' && 'notBefore' in result ? result.notBefore : 0;
      return Math.max(notBefore, this.withJitter(Math.min(policy.errorMaxMs, policy.initialMs * 2 ** (entry.errors - 1))));
    }
    entry.errors = 0;
    const stretch = this.focused ? 1 : policy.unfocusedFactor;
    if (typeof result === 'object') {
      entry.intervalMs = Math.min(policy.maxMs, Math.max(policy.denseMs, result.nextMs));
      return Math.min(policy.maxMs * stretch, this.withJitter(entry.intervalMs * stretch));
    }
    if (result === 'changed') entry.intervalMs = policy.initialMs;
    else entry.intervalMs = Math.min(policy.maxMs, entry.intervalMs * policy.factor);
    // Jitter spreads polls out but never past the longest interval: a result is noticed within maxMs.
    return Math.min(policy.maxMs * stretch, this.withJitter(entry.intervalMs * stretch));
  }

  private withJitter(ms: number): number {
    const spread = ms * this.policy.jitter;
    return Math.max(0, Math.round(ms - spread + this.random() * 2 * spread));
  }

  private arm(): void {
    if (this.disposed || this.paused) return;
    let next = Infinity;
    for (const entry of this.entries.values()) if (!entry.running && entry.dueAt < next) next = entry.dueAt;
    if (next === Infinity) {
      this.timer?.cancel();
      this.timer = undefined;
      this.timerDueAt = Infinity;
      return;
    }
    if (this.timer && this.timerDueAt <= next) return;
    this.timer?.cancel();
    this.timerDueAt = next;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Infinity;
      this.runDue();
    }, next - this.clock.monotonic());
  }

  private runDue(): void {
    if (this.paused) return;
    const now = this.clock.monotonic();
    const due = [...this.entries.entries()].filter(([, e]) => !e.running && e.dueAt <= now).sort((a, b) => a[1].dueAt - b[1].dueAt);
    const slots = Math.max(0, this.policy.concurrency - this.inFlight);
    for (const [id, entry] of due.slice(0, slots)) void this.runOne(id, entry);
    // Whatever did not fit waits for a slot; runOne re-arms when it finishes.
    this.arm();
  }

  private async runOne(id: string, entry: Entry): Promise<void> {
    entry.running = true;
    this.inFlight++;
    let result: PollResult;
    try {
      result = await this.poll(id);
    } catch {
      result = 'error';
    }
    entry.running = false;
    this.inFlight--;
    if (this.entries.get(id) === entry) {
      if (result === 'done') {
        this.entries.delete(id);
      } else {
        const delay = this.nextDelay(entry, result);
        const now = this.clock.monotonic();
        entry.dueAt = entry.again ? now : now + delay;
        entry.again = false;
      }
    }
    this.arm();
    if (this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
