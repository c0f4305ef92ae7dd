import { describe, expect, it } from 'vitest';
import { SubgraphBreaker, type SubgraphBreakerState } from '../src/datasources/SubgraphBreaker.js';

function breaker(overrides: { failureThreshold?: number; windowMs?: number; resetMs?: number } = {}) {
  let now = 1_000_000;
  const changes: SubgraphBreakerState[] = [];
  const b = new SubgraphBreaker({
    failureThreshold: overrides.failureThreshold ?? 3,
    windowMs: overrides.windowMs ?? 10_000,
    resetMs: overrides.resetMs ?? 5_000,
    onStateChange: (state) => changes.push(state),
    now: () => now,
  });
  const fetch = (outcome: 'success' | 'failure' | 'neutral') => {
    const permit = b.acquire();
    if (permit) b.record(permit, outcome);
    return permit !== undefined;
  };
  return { b, changes, fetch, advance: (ms: number) => (now += ms) };
}

describe('SubgraphBreaker', () => {
  it('opens after the configured number of consecutive failures, then refuses every fetch', () => {
    const { b, fetch } = breaker();
    expect(fetch('failure')).toBe(true);
    expect(fetch('failure')).toBe(true);
    expect(b.state).toBe('closed');
    expect(fetch('failure')).toBe(true);
    expect(b.state).toBe('open');
    expect(b.acquire()).toBeUndefined();
    expect(b.acquire()).toBeUndefined();
  });

  it('a success between failures resets the count; neutral outcomes count for nothing', () => {
    const { b, fetch } = breaker();
    fetch('failure');
    fetch('failure');
    fetch('success');
    fetch('failure');
    fetch('neutral');
    fetch('failure');
    expect(b.state).toBe('closed');
    fetch('failure');
    expect(b.state).toBe('open');
  });

  it('failures further apart than the window are not consecutive', () => {
    const { b, fetch, advance } = breaker({ windowMs: 1_000 });
    fetch('failure');
    fetch('failure');
    advance(1_500);
    fetch('failure');
    expect(b.state).toBe('closed');
    fetch('failure');
    fetch('failure');
    expect(b.state).toBe('open');
  });

  it('after the reset time lets exactly one trial through; its success closes the breaker', () => {
    const { b, fetch, advance, changes } = breaker({ resetMs: 5_000 });
    for (let i = 0; i < 3; i++) fetch('failure');
    advance(4_999);
    expect(b.acquire()).toBeUndefined();
    advance(1);
    expect(b.state).toBe('halfOpen');
    const trial = b.acquire();
    expect(trial).toEqual({ trial: true });
    expect(b.acquire()).toBeUndefined();
    b.record(trial!, 'success');
    expect(b.state).toBe('closed');
    expect(fetch('success')).toBe(true);
    expect(changes).toEqual(['open', 'halfOpen', 'closed']);
  });

  it('a failed trial re-opens it for another reset period; a neutral trial frees the slot', () => {
    const { b, advance } = breaker({ resetMs: 5_000 });
    for (let i = 0; i < 3; i++) b.record(b.acquire()!, 'failure');
    advance(5_000);
    b.record(b.acquire()!, 'neutral');
    const trial = b.acquire();
    expect(trial?.trial).toBe(true);
    b.record(trial!, 'failure');
    expect(b.state).toBe('open');
    advance(4_000);
    expect(b.acquire()).toBeUndefined();
    advance(1_000);
    expect(b.acquire()?.trial).toBe(true);
  });

  it('a fetch that started while closed and fails after the breaker opened changes nothing', () => {
    const { b, advance } = breaker({ resetMs: 5_000 });
    const late = b.acquire()!;
    for (let i = 0; i < 3; i++) b.record(b.acquire()!, 'failure');
    b.record(late, 'failure');
    advance(5_000);
    expect(b.acquire()?.trial).toBe(true);
  });
});
