export interface RetryBudgetOptions {
  /** Retries allowed as a fraction of first attempts in the window (0.2 = one retry per five calls). */
  readonly ratio: number;
  /** Retries always allowed per second of window, so low traffic can still retry. */
  readonly minPerSecond: number;
  /** Length of the sliding window. Default 10000 (ms). */
  readonly windowMs?: number;
  /** Clock, injectable for tests. Default `Date.now`. */
  readonly now?: () => number;
}

const SLOTS = 10;

interface Slot {
  epoch: number;
  firsts: number;
  retries: number;
}

/**
 * Bounds retries per vendor so that they cannot multiply an outage: over the last
 * `windowMs`, retries allowed = minPerSecond·window_s + ratio·firstAttempts − retries.
 * Counted in ten time slots, so it costs O(1) memory whatever the traffic.
 */
export class RetryBudget {
  readonly #ratio: number;
  readonly #reserve: number;
  readonly #slotMs: number;
  readonly #now: () => number;
  readonly #slots: Slot[];

  constructor(options: RetryBudgetOptions) {
    const windowMs = options.windowMs ?? 10_000;
    this.#ratio = options.ratio;
    this.#reserve = options.minPerSecond * (windowMs / 1000);
    this.#slotMs = Math.max(1, windowMs / SLOTS);
    this.#now = options.now ?? Date.now;
    this.#slots = Array.from({ length: SLOTS }, () => ({ epoch: -Infinity, firsts: 0, retries: 0 }));
  }

  /** Records a first attempt (a call that may later want retries). */
  recordAttempt(): void {
    this.#current().firsts++;
  }

  /** Takes one retry token; false means the budget is spent and the caller must give up. */
  tryAcquire(): boolean {
    if (this.available() < 1) return false;
    this.#current().retries++;
    return true;
  }

  /** Retry tokens left in the current window (may be fractional). */
  available(): number {
    const epoch = Math.floor(this.#now() / this.#slotMs);
    let firsts = 0;
    let retries = 0;
    for (const slot of this.#slots) {
      if (slot.epoch > epoch - SLOTS && slot.epoch <= epoch) {
        firsts += slot.firsts;
        retries += slot.retries;
      }
    }
    return this.#reserve + this.#ratio * firsts - retries;
  }

  #current(): Slot {
    const epoch = Math.floor(this.#now() / this.#slotMs);
    const slot = this.#slots[((epoch % SLOTS) + SLOTS) % SLOTS]!;
    if (slot.epoch !== epoch) {
      slot.epoch = epoch;
      slot.firsts = 0;
      slot.retries = 0;
    }
    return slot;
  }
}
