import CircuitBreaker from 'opossum';
import { VendorError } from '../errors/VendorError.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import type { BreakerOptions } from '../vendor/VendorClientOptions.js';

export type BreakerState = 'closed' | 'open' | 'halfOpen';

export interface CreateBreakerOptions {
  /** `vendor.operation`, in logs and opossum's stats. */
  readonly name: string;
  readonly options: BreakerOptions;
  readonly logger: Logger;
  /** Extra failures not to count (e.g. the caller cancelled). Vendor non-faults are never counted. */
  readonly ignore?: (err: unknown) => boolean;
}

/** True when opossum refused to run the action because the circuit is open (or half-open with its trial in flight). */
export function isBreakerOpenError(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === 'EOPENBREAKER';
}

/** True when the breaker was shut down (the client was closed). */
export function isBreakerShutdownError(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === 'ESHUTDOWN';
}

export function breakerState(breaker: { readonly opened: boolean; readonly halfOpen: boolean }): BreakerState {
  if (breaker.opened) return 'open';
  if (breaker.halfOpen) return 'halfOpen';
  return 'closed';
}

/**
 * One opossum breaker for one vendor operation (create it once, never per call).
 *
 * - `timeout: false`: the deadline is enforced below, by the HTTP layer, which really
 *   aborts the request; opossum's own timeout would only stop waiting for it.
 * - Only vendor faults count (`VendorError.isVendorFault`: timeout, network, 5xx, bad
 *   response). 4xx and 429 are the caller's or the rate limiter's business: filtered
 *   errors count as successes, and a filtered result during half-open closes the circuit
 *   (the vendor answered).
 * - Opens when failures / fires > `errorThresholdPercentage` with at least
 *   `volumeThreshold` fires in the rolling window (10 buckets); or after
 *   `consecutiveFailures` timeouts or connection failures in a row, whatever the volume;
 *   or, below `volumeThreshold` (where the rate rule cannot act), after that many vendor
 *   faults of any kind in a row. After `resetTimeoutMs`
 *   it is half-open: opossum lets exactly one trial through (others still fail fast
 *   with EOPENBREAKER); success closes it, failure re-opens it for another reset period.
 *
 * Why a streak and not only a shorter window: the rate rule needs volume, and its window
 * still holds the successes from before a fault, so a hang at low traffic (or just after
 * busy, healthy traffic) paid the full deadline on every call until enough failures
 * outweighed them (9 calls in a row in test/chaos/vendorRetryLoad.test.ts). A streak
 * counts only since the last answer, so it forgets every pre-fault success at once and
 * trips after the same few calls at any traffic. At volume only an unresponsive vendor
 * (each call paying the whole deadline) trips it that way: fast 5xx interleaved with
 * successes are the rate rule's to judge, since a random 50% failure rate makes short
 * streaks all the time and opening on them would throw away the half that works.
 * opossum 9 has no such option (`maxFailures` is a deprecated alias of the percentage),
 * so it is counted here from its `failure` and `success` events and tripped with `open()`.
 */
export function createBreaker<A extends unknown[], R>(fn: (...args: A) => Promise<R>, o: CreateBreakerOptions): CircuitBreaker<A, R> {
  const window = o.options.rollingCountTimeoutMs;
  const breaker = new CircuitBreaker<A, R>(fn, {
    name: o.name,
    timeout: false,
    errorThresholdPercentage: o.options.errorThresholdPercentage,
    volumeThreshold: o.options.volumeThreshold,
    rollingCountTimeout: window,
    // opossum rotates buckets every window/buckets ms; keep that interval ≥ 1 ms.
    rollingCountBuckets: Math.max(1, Math.min(10, Math.floor(window))),
    resetTimeout: o.options.resetTimeoutMs,
    // Percentiles are recomputed (sorted) on every stats read, i.e. on every failure; we do not use them.
    rollingPercentilesEnabled: false,
    enableSnapshots: false,
    errorFilter: (err: unknown) => !(err instanceof VendorError && err.isVendorFault) || (o.ignore?.(err) ?? false),
  });
  const log = o.logger.child({ breaker: o.name });
  // Vendor faults since the last answer. A filtered error (4xx) is an answer and resets it;
  // an ignored one (the caller cancelled) says nothing about the vendor and leaves it alone.
  let streak = 0;
  // Of which timeouts and connection failures only, since the last answer or other fault.
  let unresponsive = 0;
  const tripAfter = o.options.consecutiveFailures ?? 3;
  breaker.on('failure', (err: unknown) => {
    streak++;
    unresponsive = err instanceof VendorError && (err.kind === 'timeout' || err.kind === 'network') ? unresponsive + 1 : 0;
    const lowVolume = breaker.stats.fires < o.options.volumeThreshold;
    if (breaker.closed && (unresponsive >= tripAfter || (lowVolume && streak >= tripAfter))) breaker.open();
  });
  breaker.on('success', (result: unknown) => {
    if (!(o.ignore?.(result) ?? false)) streak = unresponsive = 0;
  });
  breaker.on('open', () => {
    const { fires, failures } = breaker.stats;
    log.warn({ state: 'open', fires, failures, consecutiveFailures: streak, resetTimeoutMs: o.options.resetTimeoutMs }, 'circuit breaker opened');
    streak = unresponsive = 0;
  });
  breaker.on('halfOpen', () => log.info({ state: 'halfOpen' }, 'circuit breaker half-open: letting one trial call through'));
  breaker.on('close', () => log.info({ state: 'closed' }, 'circuit breaker closed'));
  return breaker;
}
