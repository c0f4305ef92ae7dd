import { FixedWindowRateLimiter, type RateDecision } from './FixedWindowRateLimiter.js';
import { seededRandom, type Random } from './seededRandom.js';
import type { Faults, ScriptEntry } from './types.js';
import { validateFaults } from './validateFaults.js';

/** A well-behaved vendor: fast, correct, always up, unlimited. */
export const NEUTRAL_FAULTS: Readonly<Faults> = Object.freeze({
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  hang: false,
  outage: false,
  rateLimit: null,
  script: [],
});

function copy(f: Faults): Faults {
  return {
    ...f,
    rateLimit: f.rateLimit === null ? null : { ...f.rateLimit },
    script: f.script.map((e) => ({ ...e })),
  };
}

function checked(partial: unknown): Partial<Faults> {
  const result = validateFaults(partial);
  if (!result.ok) throw new TypeError(`invalid faults: ${result.problems.join('; ')}`);
  return result.value;
}

/** The fault state of one vendor and the decisions that follow from it. */
export class FaultController {
  private readonly defaults: Faults;
  private current: Faults;
  private readonly limiter = new FixedWindowRateLimiter();
  private readonly random: Random;

  constructor(defaults: Partial<Faults> = {}, seed = 0x5eed) {
    this.defaults = { ...copy(NEUTRAL_FAULTS as Faults), ...checked(defaults) };
    this.current = copy(this.defaults);
    this.random = seededRandom(seed);
  }

  get(): Faults {
    return copy(this.current);
  }

  /** Merges a validated partial; throws TypeError listing every problem. */
  set(partial: unknown): Faults {
    const value = checked(partial);
    if ('rateLimit' in value) this.limiter.reset();
    this.current = copy({ ...this.current, ...value });
    return this.get();
  }

  reset(): Faults {
    this.current = copy(this.defaults);
    this.limiter.reset();
    return this.get();
  }

  /** Removes and returns the next scripted answer, if any. */
  takeScript(): ScriptEntry | undefined {
    return this.current.script.shift();
  }

  rateLimit(apiKey: string, now: number): RateDecision | null {
    const limit = this.current.rateLimit;
    return limit === null ? null : this.limiter.check(apiKey, limit, now);
  }

  /** Latency plus jitter for the next answer (ms). */
  delayMs(): number {
    const { latencyMs, jitterMs } = this.current;
    return latencyMs + (jitterMs > 0 ? this.random.next() * jitterMs : 0);
  }

  shouldFail(): boolean {
    const rate = this.current.errorRate;
    return rate > 0 && this.random.next() < rate;
  }
}
