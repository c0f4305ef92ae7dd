/**
 * "The vendor asked us to wait until T", per vendor. Set by a 429/503 with Retry-After;
 * while it is closed, calls fail fast without a request, so we never hammer a vendor
 * that asked us to back off (and do not burn its quota on calls that will be refused).
 *
 * A wait is capped at `maxMs`: one answer saying `Retry-After: 3600` (a vendor bug, a
 * misconfigured proxy, a hostile upstream) must not switch a feature off for every user
 * for an hour. After the cap, one call finds out whether the vendor still means it.
 */
export class RateLimitGate {
  #until = 0;
  readonly #now: () => number;
  readonly #maxMs: number;

  constructor(options: { maxMs?: number; now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxMs = options.maxMs ?? Infinity;
  }

  /** The longest the gate closes for, in ms. */
  get maxMs(): number {
    return this.#maxMs;
  }

  /** Closes the gate for `ms` (at most `maxMs`) from now; an earlier, longer wait is kept. */
  closeFor(ms: number): void {
    this.#until = Math.max(this.#until, this.#now() + Math.min(ms, this.#maxMs));
  }

  /** Milliseconds until the gate opens; 0 when open. */
  remainingMs(): number {
    return Math.max(0, this.#until - this.#now());
  }
}
