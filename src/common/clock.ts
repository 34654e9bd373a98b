// Time as a port: the real clock for the product, a manual one for tests that run in simulated time.
export type TimerHandle = { readonly cancel: () => void };

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
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
