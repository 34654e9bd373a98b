// A clock whose timers fire on the next tick while remembering every delay asked for, to assert backoff without waiting.
import type { Clock, TimerHandle } from '../../src/common/clock';

export class RecordingClock implements Clock {
  readonly delays: number[] = [];
  private offset = 0;

  now(): number {
    return 1_700_000_000_000 + this.offset;
  }

  monotonic(): number {
    return this.offset;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    this.delays.push(ms);
    const t = setImmediate(() => {
      this.offset += ms;
      callback();
    });
    return { cancel: () => clearImmediate(t) };
  }
}
