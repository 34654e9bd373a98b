// A Clock for tests that run in simulated time: time moves only when the test advances it.
import type { Clock, TimerHandle } from '../../src/common/clock';

interface PendingTimer {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

/** Lets queued promise callbacks (and anything they chain) run before going on. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ManualClock implements Clock {
  private current: number;
  /** Added to `now()` only: a wall-clock step that leaves monotonic time and timers alone. */
  private wallOffset = 0;
  private readonly origin: number;
  private nextId = 1;
  private readonly timers = new Map<number, PendingTimer>();

  /** Starts at `start` (default 2025-01-01T00:00:00Z). */
  constructor(start: number = Date.UTC(2025, 0, 1)) {
    this.current = start;
    this.origin = start;
  }

  now(): number {
    return this.current + this.wallOffset;
  }

  monotonic(): number {
    return this.current - this.origin;
  }

  /** Steps the wall clock (e.g. back an hour, as NTP or a time zone change may) without moving monotonic time. */
  stepWallClock(ms: number): void {
    this.wallOffset += ms;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const delay = Number.isFinite(ms) ? Math.max(0, ms) : 0;
    this.timers.set(id, { id, due: this.current + delay, callback });
    return { cancel: () => void this.timers.delete(id) };
  }

  /** Timers scheduled and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** When the earliest pending timer is due, or undefined when none is pending. */
  nextDueAt(): number | undefined {
    return this.earliest()?.due;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way in due-time order (ties in the order they
   * were set), with the clock set to each timer's due time while it fires; microtasks run between timers, so timers set
   * by a callback (or by the promise chains it starts) fire too when they fall due inside the window.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new Error(`cannot advance by ${ms}`);
    await this.advanceTo(this.current + ms);
  }

  /** Like advance, up to an absolute time (never backwards). */
  async advanceTo(target: number): Promise<void> {
    await flushMicrotasks();
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.timers.delete(next.id);
      this.current = Math.max(this.current, next.due);
      next.callback();
      await flushMicrotasks();
    }
    this.current = Math.max(this.current, target);
    await flushMicrotasks();
  }

  /** Fires the earliest pending timer (moving time to it); false when none is pending. */
  async runNext(): Promise<boolean> {
    const next = this.earliest();
    if (!next) return false;
    await this.advanceTo(next.due);
    return true;
  }

  /**
   * Waits in real time (up to `timeoutMs`, default 2000) until at least `count` timers are pending: for code whose next
   * timer is set only after real I/O (an HTTP answer) completes.
   */
  async waitForTimers(count = 1, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.timers.size < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} pending timer(s); ${this.timers.size} pending`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers.values()) {
      if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    }
    return best;
  }
}
