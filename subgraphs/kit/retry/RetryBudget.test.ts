import { describe, expect, it } from 'vitest';
import { RetryBudget } from './RetryBudget.js';

describe('RetryBudget', () => {
  it('allows minPerSecond·window_s + ratio·firstAttempts − retries, over a sliding window', () => {
    let clock = 0;
    const budget = new RetryBudget({ ratio: 0.5, minPerSecond: 0.2, windowMs: 10_000, now: () => clock });
    expect(budget.available()).toBe(2);
    for (let i = 0; i < 4; i++) budget.recordAttempt();
    expect(budget.available()).toBe(4);
    expect([budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire()]).toEqual([true, true, true, true]);
    expect(budget.tryAcquire()).toBe(false);
    clock = 5_000;
    expect(budget.tryAcquire()).toBe(false); // still inside the window
    clock = 10_000; // the slot of t=0 left the window
    expect(budget.available()).toBe(2);
    expect(budget.tryAcquire()).toBe(true);
  });
});
