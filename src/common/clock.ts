// Time as a port: wall-clock time for what is stored and shown, a monotonic clock for scheduling, and timers.
export type TimerHandle = { readonly cancel: () => void };

export interface Clock {
  /** Wall-clock milliseconds since the epoch: for stored and displayed timestamps only. */
  now(): number;
  /**
   * Milliseconds from an arbitrary origin that never goes backwards: for deciding when the next poll or retry is
   * due, so a wall-clock step (NTP, a laptop waking up, a changed time zone) never delays or rushes one.
   */
  monotonic(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(callback, ms) {
    const t = setTimeout(callback, Math.max(0, ms));
    // Polling timers must never keep a process (the extension host, a test run) alive on their own.
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

/** Resolves after `ms` on the given clock; rejects with the signal's reason when aborted first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason ?? new Error('aborted'));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
