import type { RetryOptions } from '../vendor/VendorClientOptions.js';
import type { RetryBudget } from './RetryBudget.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface WithRetryOptions {
  readonly options: Pick<RetryOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'>;
  /** Epoch ms after which no attempt may start (the call's deadline). */
  readonly deadlineAt: number;
  /** Shared per vendor; each retry takes a token, none left → give up. */
  readonly budget: RetryBudget;
  shouldRetry(err: unknown): boolean;
  /** The vendor's Retry-After for this error, in ms, if any. */
  retryAfterMs(err: unknown): number | undefined;
  /** Aborts a backoff wait (the call's deadline or the caller going away); the last error is thrown. */
  readonly signal?: AbortSignal;
  /** Told before each retry, e.g. for logs. */
  onRetry?(err: unknown, nextAttemptNo: number, waitMs: number): void;
  readonly sleep?: Sleep;
  /** [0, 1), injectable for tests. Default `Math.random`. */
  readonly random?: () => number;
  /** Injectable for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Runs `attempt` (1-based attempt number) until it succeeds or retrying stops making
 * sense. Before retry n (n = 1 for the second attempt) it waits
 * random(0, min(maxDelayMs, baseDelayMs·2^(n−1))) — full jitter — raised to the
 * vendor's Retry-After when there is one. It gives up, throwing the last error, when:
 * the error is not retryable, attempts are used up, the Retry-After is longer than
 * `maxDelayMs` (the client's rate-limit gate handles that), the wait would end at or
 * past the deadline, the budget has no token, or the signal aborts during the wait.
 */
export async function withRetry<T>(attempt: (attemptNo: number) => Promise<T>, o: WithRetryOptions): Promise<T> {
  const now = o.now ?? Date.now;
  const random = o.random ?? Math.random;
  const sleep = o.sleep ?? abortableSleep;
  const { maxAttempts, baseDelayMs, maxDelayMs } = o.options;
  o.budget.recordAttempt();
  for (let attemptNo = 1; ; attemptNo++) {
    try {
      return await attempt(attemptNo);
    } catch (err) {
      if (attemptNo >= maxAttempts || !o.shouldRetry(err) || o.signal?.aborted) throw err;
      const retryAfter = o.retryAfterMs(err);
      if (retryAfter !== undefined && retryAfter > maxDelayMs) throw err;
      let wait = random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attemptNo - 1));
      if (retryAfter !== undefined) wait = Math.max(wait, retryAfter);
      if (now() + wait >= o.deadlineAt) throw err;
      if (!o.budget.tryAcquire()) throw err;
      o.onRetry?.(err, attemptNo + 1, wait);
      await sleep(wait, o.signal);
      if (o.signal?.aborted || now() >= o.deadlineAt) throw err;
    }
  }
}
