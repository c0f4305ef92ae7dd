export interface RetryBudgetOptions {
  /** Retries allowed as a fraction of successful attempts in the window (0.1 = one retry per ten answers). */
  readonly ratio: number;
  /** Length of the sliding window. Default 10000 (ms). */
  readonly windowMs?: number;
  /** How many of the latest attempts decide "the vendor is failing most calls". Default 10 (attempts). */
  readonly recentAttempts?: number;
  /** Clock, injectable for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** What `withRetry` needs from a budget (a test may pass an unlimited one). */
export interface RetryTokens {
  /** Records a first attempt (a call that may later want retries). */
  recordAttempt(): void;
  /** Records how one attempt (first or retry) ended: true = the vendor answered, false = it failed. */
  recordOutcome(ok: boolean): void;
  /** Takes one retry token; false means the caller must give up. */
  tryAcquire(): boolean;
}

const SLOTS = 10;

interface Slot {
  epoch: number;
  firsts: number;
  successes: number;
  retries: number;
}

/**
 * Bounds retries per vendor so that they cannot multiply an outage.
 *
 * - Tokens are a true ratio of recent successes: over the last `windowMs`,
 *   retries allowed = ratio·successful attempts − retries. A call succeeds at most once,
 *   so retries ≤ ratio·first attempts: the extra load is at most `ratio` whatever the
 *   traffic. There is no per-second reserve any more: a reserve sized for low traffic
 *   dominated the ratio during a fault (×1.65 calls in a 50 % 5xx fault). The price is
 *   that a client with fewer than 1/ratio answers in the window does not retry at all.
 * - No retry while the vendor is failing most calls: when more than half of the last
 *   `recentAttempts` attempts failed, whatever tokens the earlier successes left. Counted
 *   in attempts, not time, so it reacts after the same few failures at any traffic (a
 *   time window would still be full of the successes from before the fault).
 *
 * Counted in ten time slots and one small ring, so it costs O(1) memory whatever the traffic.
 */
export class RetryBudget implements RetryTokens {
  readonly #ratio: number;
  readonly #slotMs: number;
  readonly #now: () => number;
  readonly #slots: Slot[];
  readonly #recent: boolean[] = [];
  readonly #recentSize: number;
  #recentNext = 0;

  constructor(options: RetryBudgetOptions) {
    const windowMs = options.windowMs ?? 10_000;
    this.#ratio = options.ratio;
    this.#slotMs = Math.max(1, windowMs / SLOTS);
    this.#now = options.now ?? Date.now;
    this.#slots = Array.from({ length: SLOTS }, () => ({ epoch: -Infinity, firsts: 0, successes: 0, retries: 0 }));
    this.#recentSize = Math.max(1, options.recentAttempts ?? 10);
  }

  recordAttempt(): void {
    this.#current().firsts++;
  }

  recordOutcome(ok: boolean): void {
    if (ok) this.#current().successes++;
    if (this.#recent.length < this.#recentSize) this.#recent.push(ok);
    else this.#recent[this.#recentNext] = ok;
    this.#recentNext = (this.#recentNext + 1) % this.#recentSize;
  }

  tryAcquire(): boolean {
    if (this.failingMostCalls() || this.available() < 1) return false;
    this.#current().retries++;
    return true;
  }

  /** True when more than half of the latest attempts failed. */
  failingMostCalls(): boolean {
    const failures = this.#recent.filter((ok) => !ok).length;
    return failures * 2 > this.#recent.length;
  }

  /** Retry tokens left in the current window (may be fractional). */
  available(): number {
    const epoch = Math.floor(this.#now() / this.#slotMs);
    let successes = 0;
    let retries = 0;
    for (const slot of this.#slots) {
      if (slot.epoch > epoch - SLOTS && slot.epoch <= epoch) {
        successes += slot.successes;
        retries += slot.retries;
      }
    }
    return this.#ratio * successes - retries;
  }

  /** First attempts in the window, for logs and tests. */
  firstAttempts(): number {
    const epoch = Math.floor(this.#now() / this.#slotMs);
    return this.#slots.reduce((n, slot) => (slot.epoch > epoch - SLOTS && slot.epoch <= epoch ? n + slot.firsts : n), 0);
  }

  #current(): Slot {
    const epoch = Math.floor(this.#now() / this.#slotMs);
    const slot = this.#slots[((epoch % SLOTS) + SLOTS) % SLOTS]!;
    if (slot.epoch !== epoch) {
      slot.epoch = epoch;
      slot.firsts = 0;
      slot.successes = 0;
      slot.retries = 0;
    }
    return slot;
  }
}
