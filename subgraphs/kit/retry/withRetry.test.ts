import { describe, expect, it } from 'vitest';
import { VendorError } from '../errors/VendorError.js';
import { RetryBudget, type RetryTokens } from './RetryBudget.js';
import { abortableSleep, withRetry, type WithRetryOptions } from './withRetry.js';

const options = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

/** A budget that never refuses, and remembers the outcomes it was told. */
function unlimited(): RetryTokens & { outcomes: boolean[] } {
  const outcomes: boolean[] = [];
  return { outcomes, recordAttempt: () => undefined, recordOutcome: (ok) => void outcomes.push(ok), tryAcquire: () => true };
}

/** A budget whose window already holds `successes` answers. */
function earned(successes: number, o: { ratio: number; now: () => number }): RetryBudget {
  const budget = new RetryBudget({ ratio: o.ratio, windowMs: 10_000, now: o.now });
  for (let i = 0; i < successes; i++) budget.recordOutcome(true);
  return budget;
}

function serverError(retryAfterMs?: number): VendorError {
  return new VendorError('server', { vendor: 'v', operation: 'op', status: 503, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
}

/** A fake clock that sleep advances, so waits are exact and instant. */
function harness(overrides: Partial<WithRetryOptions> = {}) {
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const o: WithRetryOptions = {
    options,
    deadlineAt: clock + 60_000,
    budget: unlimited(),
    shouldRetry: (err) => err instanceof VendorError && err.isRetryable,
    retryAfterMs: (err) => (err instanceof VendorError ? err.retryAfterMs : undefined),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    now: () => clock,
    ...overrides,
  };
  return { o, sleeps, now: () => clock };
}

/** An attempt function that fails with the given errors, then succeeds. */
function script(...failures: Error[]) {
  const calls: number[] = [];
  const fn = async (n: number) => {
    calls.push(n);
    const err = failures[n - 1];
    if (err) throw err;
    return `ok after ${n}`;
  };
  return { fn, calls };
}

describe('withRetry', () => {
  it('retries a 503 and returns the success', async () => {
    const { o } = harness();
    const { fn, calls } = script(serverError());
    await expect(withRetry(fn, o)).resolves.toBe('ok after 2');
    expect(calls).toEqual([1, 2]);
  });

  it('does not retry errors that shouldRetry rejects (e.g. 404)', async () => {
    const { o, sleeps } = harness();
    const notFound = new VendorError('not_found', { vendor: 'v', operation: 'op', status: 404 });
    const { fn, calls } = script(notFound);
    await expect(withRetry(fn, o)).rejects.toBe(notFound);
    expect(calls).toEqual([1]);
    expect(sleeps).toEqual([]);
  });

  it('stops after maxAttempts with the last error', async () => {
    const { o } = harness({ options: { ...options, maxAttempts: 3 } });
    const errors = [serverError(), serverError(), serverError(), serverError()];
    const { fn, calls } = script(...errors);
    await expect(withRetry(fn, o)).rejects.toBe(errors[2]);
    expect(calls).toEqual([1, 2, 3]);
  });

  it('waits with full jitter: random(0, min(maxDelay, base·2^(n−1)))', async () => {
    for (const r of [0, 0.5, 0.999]) {
      const { o, sleeps } = harness({ random: () => r });
      const { fn } = script(serverError(), serverError(), serverError(), serverError());
      await withRetry(fn, o);
      const caps = [100, 200, 400, 800];
      expect(sleeps).toHaveLength(4);
      sleeps.forEach((ms, i) => expect(ms).toBeCloseTo(r * caps[i]!, 6));
    }
    // the cap
    const { o, sleeps } = harness({ random: () => 0.999, options: { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 300 } });
    await withRetry(script(...Array.from({ length: 7 }, () => serverError())).fn, o);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(300);
    expect(sleeps.slice(2).every((ms) => ms > 299)).toBe(true);
  });

  it('honours Retry-After: waits at least that long', async () => {
    const { o, sleeps } = harness({ random: () => 0 });
    const { fn, calls } = script(serverError(700));
    await withRetry(fn, o);
    expect(calls).toEqual([1, 2]);
    expect(sleeps).toEqual([700]);
  });

  it('does not wait for a Retry-After longer than maxDelayMs (the rate-limit gate handles it)', async () => {
    const { o, sleeps } = harness();
    const err = serverError(5000);
    const { fn, calls } = script(err);
    await expect(withRetry(fn, o)).rejects.toBe(err);
    expect(calls).toEqual([1]);
    expect(sleeps).toEqual([]);
  });

  it('never starts an attempt whose wait would end at or past the deadline', async () => {
    let clock = 0;
    const { o, sleeps } = harness({ random: () => 1, now: () => clock });
    // attempt 1 fails at t=0 → wait 100 (ends 100 < 250) ok; attempt 2 fails at t=100 → wait 200 ends 300 ≥ 250 → stop
    const errors = [serverError(), serverError(), serverError()];
    const calls: number[] = [];
    const fn = async (n: number) => {
      calls.push(n);
      throw errors[n - 1];
    };
    await expect(
      withRetry(fn, {
        ...o,
        deadlineAt: 250,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
      }),
    ).rejects.toBe(errors[1]);
    expect(calls).toEqual([1, 2]);
    expect(sleeps).toEqual([100]);
  });

  it('gives up when the retry budget is spent', async () => {
    let clock = 0;
    // 10 answers at ratio 0.1 → exactly one retry in the window.
    const budget = earned(10, { ratio: 0.1, now: () => clock });
    const { o } = harness({ budget, now: () => clock, sleep: async () => undefined });
    const first = script(serverError(), serverError(), serverError());
    await expect(withRetry(first.fn, o)).rejects.toBeInstanceOf(VendorError);
    expect(first.calls).toEqual([1, 2]); // one retry, then no token
    const second = script(serverError());
    await expect(withRetry(second.fn, o)).rejects.toBeInstanceOf(VendorError);
    expect(second.calls).toEqual([1]);
    clock += 10_001; // the window slides past the spent token, and past the answers that earned it
    const third = script(serverError());
    await expect(withRetry(third.fn, o)).rejects.toBeInstanceOf(VendorError);
    expect(third.calls).toEqual([1]);
  });

  it('tells the budget how every attempt ended (isFailure, default shouldRetry)', async () => {
    const budget = unlimited();
    const { o } = harness({ budget });
    const notFound = new VendorError('not_found', { vendor: 'v', operation: 'op', status: 404 });
    await withRetry(script(serverError(), serverError()).fn, o);
    await withRetry(script(notFound).fn, o).catch(() => undefined);
    const timeout = new VendorError('timeout', { vendor: 'v', operation: 'op' });
    await withRetry(script(timeout).fn, { ...o, isFailure: (err) => err === timeout }).catch(() => undefined);
    expect(budget.outcomes).toEqual([false, false, true, true, false]);
  });

  it('waits at least minDelayMs before retrying a 429 that says Retry-After 0, or nothing', async () => {
    const rateLimited = (retryAfterMs?: number) =>
      new VendorError('rate_limited', { vendor: 'v', operation: 'op', status: 429, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    for (const err of [rateLimited(0), rateLimited()]) {
      const { o, sleeps } = harness({ random: () => 0, minDelayMs: (e) => (e instanceof VendorError && e.kind === 'rate_limited' ? 500 : 0) });
      const { fn, calls } = script(err, serverError());
      await withRetry(fn, o);
      expect(calls).toEqual([1, 2, 3]);
      expect(sleeps).toEqual([500, 0]); // the 503 after it keeps its plain jitter
    }
  });

  it('does not retry a 429 whose minimum wait would end past the deadline', async () => {
    const { o, sleeps, now } = harness({ minDelayMs: () => 500 });
    const err = new VendorError('rate_limited', { vendor: 'v', operation: 'op', status: 429, retryAfterMs: 0 });
    const { fn, calls } = script(err);
    await expect(withRetry(fn, { ...o, deadlineAt: now() + 400 })).rejects.toBe(err);
    expect(calls).toEqual([1]);
    expect(sleeps).toEqual([]);
  });

  it('stops waiting when the signal aborts and throws the last error', async () => {
    const controller = new AbortController();
    const err = serverError();
    const started = performance.now();
    setTimeout(() => controller.abort(), 30);
    const p = withRetry(script(err).fn, {
      options: { maxAttempts: 3, baseDelayMs: 5000, maxDelayMs: 5000 },
      deadlineAt: Date.now() + 60_000,
      budget: unlimited(),
      shouldRetry: () => true,
      retryAfterMs: () => undefined,
      random: () => 1,
      signal: controller.signal,
    });
    await expect(p).rejects.toBe(err);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('abortableSleep', () => {
  it('resolves early on abort and at once when already aborted', async () => {
    const started = performance.now();
    await abortableSleep(10_000, AbortSignal.abort());
    const c = new AbortController();
    setTimeout(() => c.abort(), 20);
    await abortableSleep(10_000, c.signal);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
