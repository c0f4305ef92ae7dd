export type SubgraphBreakerState = 'closed' | 'open' | 'halfOpen';

export interface SubgraphBreakerSettings {
  /**
   * Consecutive failures (no success between them) that open the breaker. Fetches already in
   * flight when the first failure of a run was seen count as one with it (one cause: a replica
   * that died holding them), so that failure and every fetch started after it count one each.
   */
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
  /**
   * When the fetch started, in the breaker's own order of permits (0, 1, 2, …): a count, not a
   * clock, so that "started before that failure was seen" never depends on a clock's resolution.
   */
  readonly issued: number;
}

export type FetchOutcome = 'success' | 'failure' | 'neutral';

/**
 * The gateway's breaker for one subgraph. It counts consecutive failures (a frozen or
 * unreachable subgraph fails every fetch, whatever the traffic), not an error rate over a
 * volume, so that a low-traffic gateway stops waiting after `failureThreshold` fetches.
 *
 * A run of failures begins with the first failure seen after a success (or after the window
 * of the previous run); that failure counts one. The failures of fetches that were already in
 * flight when it was seen add nothing: they were sent before anything was known to be wrong
 * and most likely share its cause (the replica behind a balancer that died holding them all),
 * so one dead replica of several costs one count, not one per fetch it held. Every fetch
 * started after the run began counts one when it fails, so a subgraph that fails every new
 * fetch (frozen: each times out) still opens the breaker after `failureThreshold` of them.
 * A success, whenever its fetch started, ends the run: the subgraph answers.
 *
 * Open: no fetch starts (its fields fail at once). After `resetMs`, exactly one trial goes
 * through (half-open); its success closes the breaker, its failure re-opens it, and a
 * trial that says nothing about the subgraph (neutral: the client left, no budget) frees
 * the slot for the next fetch. A fetch that started before the breaker last opened changes
 * nothing when it ends, even after the breaker has closed again.
 */
export class SubgraphBreaker {
  private readonly options: SubgraphBreakerOptions;
  private readonly now: () => number;
  private current: SubgraphBreakerState = 'closed';
  /** Failures counted in the current run (0: no run). */
  private failures = 0;
  /** When the current run's first failure was seen (ms, for the window). */
  private firstFailureAt = 0;
  /** Permits issued so far: the next permit's `issued`. */
  private issued = 0;
  /** The first permit issued after the current run's first failure was seen: its failure and later ones count. */
  private runCountsFrom = 0;
  /** The first permit issued after the breaker last opened: earlier ones change nothing. */
  private currentFrom = 0;
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
    if (this.current === 'closed') return { trial: false, issued: this.issued++ };
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.options.resetMs) return undefined;
      this.transition('halfOpen');
    }
    if (this.trialInFlight) return undefined;
    this.trialInFlight = true;
    return { trial: true, issued: this.issued++ };
  }

  /** How the fetch a permit allowed ended. */
  record(permit: BreakerPermit, outcome: FetchOutcome): void {
    if (permit.trial) {
      this.trialInFlight = false;
      if (outcome === 'success') this.close();
      else if (outcome === 'failure') this.open();
      return;
    }
    // A fetch that started before the breaker last opened changes nothing: while it is open,
    // and after a trial closed it again (the trial's answer is newer news than this one).
    if (this.current !== 'closed' || permit.issued < this.currentFrom) return;
    if (outcome === 'success') {
      this.failures = 0;
    } else if (outcome === 'failure') {
      const now = this.now();
      if (this.failures === 0 || now - this.firstFailureAt > this.options.windowMs) {
        // A new run: this failure counts one, and so will each fetch started from now on.
        this.failures = 1;
        this.firstFailureAt = now;
        this.runCountsFrom = this.issued;
      } else if (permit.issued >= this.runCountsFrom) {
        this.failures++;
      }
      // Otherwise it was in flight when the run began: counted with the run's first failure.
      if (this.failures >= this.options.failureThreshold) this.open();
    }
  }

  private open(): void {
    this.openedAt = this.now();
    this.failures = 0;
    this.currentFrom = this.issued;
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
