// Exponential backoff with full jitter for reads; honours a Retry-After the service gave. Never used for the paid submit.
import { type Clock, sleep } from '../common/clock';
import { AbortedError, RateLimitError, RunComfyError, ServerError } from './errors';

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_READ_RETRY: RetryPolicy = { retries: 4, baseMs: 500, maxMs: 15_000 };

/** Full jitter: a uniform delay in [0, min(max, base·2^attempt)], but never below half of it so retries do spread out. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function retryAfterOf(error: unknown): number | undefined {
  if (error instanceof RateLimitError) return error.retryAfterMs;
  if (error instanceof ServerError) return error.retryAfterMs;
  return undefined;
}

export interface RetryOptions {
  policy: RetryPolicy;
  clock: Clock;
  signal?: AbortSignal;
  random?: () => number;
  onRetry?: (error: RunComfyError, attempt: number, delayMs: number) => void;
}

export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, clock, signal } = options;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new AbortedError();
    try {
      return await operation(attempt);
    } catch (error) {
      if (!(error instanceof RunComfyError) || !error.retryable || attempt >= policy.retries || signal?.aborted) throw error;
      const asked = retryAfterOf(error);
      const delay = Math.min(
        policy.maxMs * 4,
        Math.max(asked ?? 0, backoffDelay(attempt, policy, options.random)),
      );
      options.onRetry?.(error, attempt + 1, delay);
      try {
        await sleep(clock, delay, signal);
      } catch {
        throw new AbortedError();
      }
    }
  }
}
