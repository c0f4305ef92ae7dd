/**
 * "The vendor asked us to wait until T", per vendor. Set by a 429/503 with Retry-After;
 * while it is closed, calls fail fast without a request, so we never hammer a vendor
 * that asked us to back off (and do not burn its quota on calls that will be refused).
 */
export class RateLimitGate {
  #until = 0;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Closes the gate for `ms` from now; an earlier, longer wait is kept. */
  closeFor(ms: number): void {
    this.#until = Math.max(this.#until, this.#now() + ms);
  }

  /** Milliseconds until the gate opens; 0 when open. */
  remainingMs(): number {
    return Math.max(0, this.#until - this.#now());
  }
}
