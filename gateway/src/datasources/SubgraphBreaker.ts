export type SubgraphBreakerState = 'closed' | 'open' | 'halfOpen';

export interface SubgraphBreakerSettings {
  /** Consecutive failures (no success between them) that open the breaker. */
  readonly failureThreshold: number;
  /** Failures count as consecutive only within this window (ms) of the first of them. */
  readonly windowMs: number;
  /** How long (ms) the breaker stays open before one trial fetch goes through. */
  readonly resetMs: number;
}

/** The defaults of SUBGRAPH_BREAKER_FAILURES, SUBGRAPH_BREAKER_WINDOW_MS and SUBGRAPH_BREAKER_RESET_MS. */
export const defaultSubgraphBreaker: SubgraphBreakerSettings = Object.freeze({ failureThreshold: 3, windowMs: 10_000, resetMs: 5_000 });

export interface SubgraphBreakerOptions extends SubgraphBreakerSettings {
  /** Called on every state change (for logs). */
  readonly onStateChange?: (state: SubgraphBreakerState, previous: SubgraphBreakerState) => void;
  /** The clock (ms); `Date.now` unless a test fakes it. */
  readonly now?: () => number;
}

/** Leave to start one fetch; hand it back with the outcome. */
export interface BreakerPermit {
  /** This fetch is the half-open trial. */
  readonly trial: boolean;
}

export type FetchOutcome = 'success' | 'failure' | 'neutral';

/**
 * The gateway's breaker for one subgraph. It counts consecutive failures (a frozen or
 * unreachable subgraph fails every fetch, whatever the traffic), not an error rate over a
 * volume, so that a low-traffic gateway stops waiting after `failureThreshold` fetches.
 * Open: no fetch starts (its fields fail at once). After `resetMs`, exactly one trial goes
 * through (half-open); its success closes the breaker, its failure re-opens it, and a
 * trial that says nothing about the subgraph (neutral: the client left, no budget) frees
 * the slot for the next fetch.
 */
export class SubgraphBreaker {
  private readonly options: SubgraphBreakerOptions;
  private readonly now: () => number;
  private current: SubgraphBreakerState = 'closed';
  private failures = 0;
  private firstFailureAt = 0;
  private openedAt = 0;
  private trialInFlight = false;

  constructor(options: SubgraphBreakerOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** The state as of now (an open breaker past its reset time reads as half-open). */
  get state(): SubgraphBreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.resetMs) return 'halfOpen';
    return this.current;
  }

  /** A permit to start one fetch, or undefined: fail fast without fetching. */
  acquire(): BreakerPermit | undefined {
    if (this.current === 'closed') return { trial: false };
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.options.resetMs) return undefined;
      this.transition('halfOpen');
    }
    if (this.trialInFlight) return undefined;
    this.trialInFlight = true;
    return { trial: true };
  }

  /** How the fetch a permit allowed ended. */
  record(permit: BreakerPermit, outcome: FetchOutcome): void {
    if (permit.trial) {
      this.trialInFlight = false;
      if (outcome === 'success') this.close();
      else if (outcome === 'failure') this.open();
      return;
    }
    // A fetch that started while closed and ended after the breaker opened changes nothing.
    if (this.current !== 'closed') return;
    if (outcome === 'success') {
      this.failures = 0;
    } else if (outcome === 'failure') {
      const now = this.now();
      if (this.failures === 0 || now - this.firstFailureAt > this.options.windowMs) {
        this.failures = 0;
        this.firstFailureAt = now;
      }
      this.failures++;
      if (this.failures >= this.options.failureThreshold) this.open();
    }
  }

  private open(): void {
    this.openedAt = this.now();
    this.failures = 0;
    this.transition('open');
  }

  private close(): void {
    this.failures = 0;
    this.transition('closed');
  }

  private transition(next: SubgraphBreakerState): void {
    const previous = this.current;
    this.current = next;
    if (previous !== next) this.options.onStateChange?.(next, previous);
  }
}
