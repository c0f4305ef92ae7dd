import type { RetryOptions } from '../vendor/VendorClientOptions.js';
import type { RetryTokens } from './RetryBudget.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface WithRetryOptions {
  readonly options: Pick<RetryOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'>;
  /** Epoch ms after which no attempt may start (the call's deadline). */
  readonly deadlineAt: number;
  /** Shared per vendor; told every attempt's outcome; each retry takes a token, none left → give up. */
  readonly budget: RetryTokens;
  shouldRetry(err: unknown): boolean;
  /** Whether this error is the vendor failing (for the budget's "failing most calls"). Default `shouldRetry`. */
  isFailure?(err: unknown): boolean;
  /** The vendor's Retry-After for this error, in ms, if any. */
  retryAfterMs(err: unknown): number | undefined;
  /** Shortest wait before retrying this error, whatever the jitter or Retry-After say (e.g. a 429 with Retry-After 0 or none). Default 0. */
  minDelayMs?(err: unknown): number;
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
 * vendor's Retry-After when there is one, and to `minDelayMs(err)` (so a 429 that says
 * "retry after 0 s", or nothing, is not retried at once). It gives up, throwing the last
 * error, when: the error is not retryable, attempts are used up, the Retry-After is longer
 * than `maxDelayMs` (the client's rate-limit gate handles that), the wait would end at or
 * past the deadline, the budget refuses a token, or the signal aborts during the wait.
 */
export async function withRetry<T>(attempt: (attemptNo: number) => Promise<T>, o: WithRetryOptions): Promise<T> {
  const now = o.now ?? Date.now;
  const random = o.random ?? Math.random;
  const sleep = o.sleep ?? abortableSleep;
  const { maxAttempts, baseDelayMs, maxDelayMs } = o.options;
  const isFailure = o.isFailure ?? o.shouldRetry;
  o.budget.recordAttempt();
  for (let attemptNo = 1; ; attemptNo++) {
    let result: T;
    try {
      result = await attempt(attemptNo);
    } catch (err) {
      o.budget.recordOutcome(!isFailure(err));
      if (attemptNo >= maxAttempts || !o.shouldRetry(err) || o.signal?.aborted) throw err;
      const retryAfter = o.retryAfterMs(err);
      if (retryAfter !== undefined && retryAfter > maxDelayMs) throw err;
      let wait = random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attemptNo - 1));
      if (retryAfter !== undefined) wait = Math.max(wait, retryAfter);
      wait = Math.max(wait, o.minDelayMs?.(err) ?? 0);
      if (now() + wait >= o.deadlineAt) throw err;
      if (!o.budget.tryAcquire()) throw err;
      o.onRetry?.(err, attemptNo + 1, wait);
      await sleep(wait, o.signal);
      if (o.signal?.aborted || now() >= o.deadlineAt) throw err;
      continue;
    }
    o.budget.recordOutcome(true);
    return result;
  }
}
