import { describe, expect, it } from 'vitest';
import { SubgraphBreaker, type BreakerPermit, type SubgraphBreakerState } from '../src/datasources/SubgraphBreaker.js';

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
  /** `n` fetches started now and still in flight (their permits, to record later). */
  const start = (n: number): BreakerPermit[] =>
    Array.from({ length: n }, () => {
      const permit = b.acquire();
      if (!permit) throw new Error('the breaker refused a fetch');
      return permit;
    });
  const end = (permits: BreakerPermit[], outcome: 'success' | 'failure' | 'neutral') => permits.forEach((p) => b.record(p, outcome));
  return { b, changes, fetch, start, end, advance: (ms: number) => (now += ms) };
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
    expect(trial?.trial).toBe(true);
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

  describe('fetches already in flight when a run of failures began count as one failure with it', () => {
    it('8 fetches in flight that fail together count one: the breaker stays closed; each fresh fetch that fails counts one more', () => {
      const { b, start, end, changes } = breaker({ failureThreshold: 3 });
      const held = start(8);
      end(held, 'failure');
      expect(b.state).toBe('closed');
      end(start(1), 'failure');
      expect(b.state).toBe('closed');
      end(start(1), 'failure');
      expect(b.state).toBe('open');
      expect(changes).toEqual(['open']);
    });

    it('a fetch started after the first failure was seen counts, even while older ones are still failing', () => {
      const { b, start, end } = breaker({ failureThreshold: 3 });
      const held = start(4);
      end(held.slice(0, 1), 'failure');
      const fresh = start(2);
      end(held.slice(1), 'failure');
      end(fresh.slice(0, 1), 'failure');
      expect(b.state).toBe('closed');
      end(fresh.slice(1), 'failure');
      expect(b.state).toBe('open');
    });

    it('a slow subgraph that times out every fetch, under concurrent traffic, still opens it after N failures of fetches started during the run', () => {
      const { b, start, end, advance } = breaker({ failureThreshold: 3, windowMs: 10_000 });
      // Every 100 ms one more fetch starts; each fails by timeout 1 s after it started.
      const inFlight: BreakerPermit[] = [];
      let timedOut = 0;
      for (let tick = 0; b.state === 'closed'; tick++) {
        expect(tick).toBeLessThan(100);
        if (inFlight.length === 10) {
          end(inFlight.splice(0, 1), 'failure');
          timedOut++;
        }
        if (b.state === 'closed') inFlight.push(...start(1));
        advance(100);
      }
      // The first timeout began the run; the 9 fetches then in flight count with it; the next two (started after it) open it.
      expect(timedOut).toBe(1 + 9 + 2);
    });

    it('sequential failures, each fetch started after the previous one failed, open it after N as before', () => {
      const { b, fetch, advance } = breaker({ failureThreshold: 4 });
      for (let i = 0; i < 3; i++) {
        fetch('failure');
        advance(1_000);
      }
      expect(b.state).toBe('closed');
      fetch('failure');
      expect(b.state).toBe('open');
    });

    it('a success ends the run, whenever its fetch started; failures after it begin a new run', () => {
      const { b, start, end } = breaker({ failureThreshold: 3 });
      const [a, c] = [start(3), start(3)];
      end(a, 'failure');
      end(start(1), 'failure');
      // A fetch held by a healthy replica answers: the subgraph answers.
      end(c.slice(0, 1), 'success');
      // Two more held by the dead one fail: a new run, counted once.
      end(c.slice(1), 'failure');
      expect(b.state).toBe('closed');
      end(start(1), 'failure');
      expect(b.state).toBe('closed');
      end(start(1), 'failure');
      expect(b.state).toBe('open');
    });

    it('a failure past the window begins a new run, even that of a fetch in flight before the last run began', () => {
      const { b, start, end, advance } = breaker({ failureThreshold: 2, windowMs: 1_000 });
      const held = start(3);
      end(held.slice(0, 1), 'failure');
      advance(1_500);
      end(held.slice(1, 2), 'failure');
      expect(b.state).toBe('closed');
      // In flight before this new run began too: still counted with it.
      end(held.slice(2), 'failure');
      expect(b.state).toBe('closed');
      end(start(1), 'failure');
      expect(b.state).toBe('open');
    });

    it('with a threshold of 1, the first failure opens it', () => {
      const { b, start, end } = breaker({ failureThreshold: 1 });
      end(start(5).slice(0, 1), 'failure');
      expect(b.state).toBe('open');
    });

    it('a fetch started before the breaker opened changes nothing once a trial has closed it again', () => {
      const { b, start, end, advance } = breaker({ failureThreshold: 2, resetMs: 5_000 });
      const old = start(3);
      end(start(1), 'failure');
      end(start(1), 'failure');
      expect(b.state).toBe('open');
      advance(5_000);
      end([b.acquire()!], 'success');
      expect(b.state).toBe('closed');
      end(old.slice(0, 1), 'failure');
      end(start(1), 'failure');
      expect(b.state).toBe('closed');
      end(old.slice(1), 'failure');
      end(start(1), 'failure');
      expect(b.state).toBe('open');
    });

    it('half-open is as before: one trial, held fetches still refused, and a failed trial re-opens it whatever was in flight', () => {
      const { b, start, end, advance, changes } = breaker({ failureThreshold: 3, resetMs: 5_000 });
      end(start(1), 'failure');
      end(start(1), 'failure');
      end(start(1), 'failure');
      advance(5_000);
      const trial = b.acquire();
      expect(trial?.trial).toBe(true);
      expect(b.acquire()).toBeUndefined();
      end([trial!], 'failure');
      expect(b.state).toBe('open');
      expect(changes).toEqual(['open', 'halfOpen', 'open']);
    });
  });
});
