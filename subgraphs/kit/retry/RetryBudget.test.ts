import { describe, expect, it } from 'vitest';
import { RetryBudget } from './RetryBudget.js';

describe('RetryBudget', () => {
  it('allows ratio·successful attempts − retries, over a sliding window, and nothing with no successes', () => {
    let clock = 0;
    const budget = new RetryBudget({ ratio: 0.5, windowMs: 10_000, now: () => clock });
    expect(budget.available()).toBe(0);
    expect(budget.tryAcquire()).toBe(false); // no reserve: a first failure on a fresh client is not retried
    for (let i = 0; i < 4; i++) {
      budget.recordAttempt();
      budget.recordOutcome(true);
    }
    expect(budget.available()).toBe(2);
    expect([budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire()]).toEqual([true, true, false]);
    clock = 5_000;
    expect(budget.tryAcquire()).toBe(false); // still inside the window
    clock = 10_000; // the slot of t=0 left the window
    expect(budget.available()).toBe(0);
    budget.recordOutcome(true);
    budget.recordOutcome(true);
    expect(budget.tryAcquire()).toBe(true);
  });

  it('refuses every retry while more than half of the latest attempts failed, whatever tokens are left', () => {
    const budget = new RetryBudget({ ratio: 1, recentAttempts: 10, now: () => 0 });
    for (let i = 0; i < 100; i++) budget.recordOutcome(true); // plenty of pre-fault tokens
    for (let i = 0; i < 5; i++) budget.recordOutcome(false);
    expect(budget.failingMostCalls()).toBe(false); // 5 of the last 10: not most
    expect(budget.tryAcquire()).toBe(true);
    budget.recordOutcome(false);
    expect(budget.failingMostCalls()).toBe(true);
    expect(budget.available()).toBeGreaterThan(90);
    expect(budget.tryAcquire()).toBe(false);
    for (let i = 0; i < 5; i++) budget.recordOutcome(true); // half of the last 10 answered again
    expect(budget.tryAcquire()).toBe(true);
  });

  it('keeps retries within ratio·first attempts through a 50 % fault (seeded), even after a healthy spell', () => {
    let clock = 0;
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const budget = new RetryBudget({ ratio: 0.1, now: () => clock });
    const run = (failureRate: number, calls: number) => {
      let firsts = 0;
      let retries = 0;
      for (let i = 0; i < calls; i++, clock += 50) {
        budget.recordAttempt();
        firsts++;
        for (let attempt = 1; attempt <= 3; attempt++) {
          const ok = random() >= failureRate;
          budget.recordOutcome(ok);
          if (ok || attempt === 3 || !budget.tryAcquire()) break;
          retries++;
        }
      }
      return { retries, firsts };
    };
    run(0, 400); // 20 s healthy at 20 calls/s
    const fault = run(0.5, 1000);
    expect(fault.retries / fault.firsts).toBeLessThanOrEqual(0.1);
    run(0, 400);
    // An outage right after a healthy spell: a handful of retries until most recent attempts failed, then none.
    expect(run(1, 400).retries).toBeLessThanOrEqual(5);
  });
});
