import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { metric } from '../../../platform/metrics/metric.js';
import { BREAKER_STATE_VALUE, metricCatalog } from '../../../platform/metrics/metricCatalog.js';
import type { BreakerState } from '../breaker/createBreaker.js';
import type { VendorErrorKind } from '../errors/VendorError.js';

/**
 * `vendor_calls_total{outcome}` and the span's `vendor.outcome`: `ok`, the kit's error kind,
 * or what the caller caused: `cancelled` (the caller went away before the call started or
 * while it was in flight) and `no_budget` (the request's budget was spent before it started).
 * Those two throw a `timeout` VendorError (the client's code is the same) but are not the
 * vendor's fault, so they are not counted as one.
 */
export type VendorCallOutcome = 'ok' | 'cancelled' | 'no_budget' | VendorErrorKind;

/** Outcomes the caller caused: nothing went wrong at the vendor. */
export function isCallerOutcome(outcome: VendorCallOutcome): outcome is 'cancelled' | 'no_budget' {
  return outcome === 'cancelled' || outcome === 'no_budget';
}

/** What one vendor operation reports to Prometheus. */
export interface OperationMetrics {
  /** An attempt after the first has started. */
  retried(): void;
  /** A call refused before it left (rate-limit gate, open breaker, caller gone, budget spent, unbuildable request), or one its caller abandoned in flight: counted, not timed. */
  refused(outcome: VendorCallOutcome): void;
  /** A call that left: its outcome, how long it took, and whether it used up the vendor's own deadline. */
  finished(outcome: VendorCallOutcome, seconds: number, slaMiss: boolean): void;
  /** The operation's breaker changed state. */
  breakerChanged(state: BreakerState): void;
}

const NO_METRICS: OperationMetrics = {
  retried() {},
  refused() {},
  finished() {},
  breakerChanged() {},
};

/**
 * The metrics of one vendor's operations in `registry` (none without one). Every series of
 * an operation is bound once, when the operation is defined, so that a call only bumps
 * numbers: no label object, no lookup by name. Labels are the vendor's and the operation's
 * names (from code) and the outcome (a closed set): never anything from the input.
 */
export function vendorCallMetrics(registry: Registry | undefined, vendor: string): (operation: string, deadlineMs: number) => OperationMetrics {
  if (registry === undefined) return () => NO_METRICS;
  const calls = metric(registry, metricCatalog.vendorCalls);
  const durations = metric(registry, metricCatalog.vendorCallDuration);
  const retries = metric(registry, metricCatalog.vendorRetries);
  const slaMisses = metric(registry, metricCatalog.vendorSlaMisses);
  const slaBudget = metric(registry, metricCatalog.vendorSlaBudget);
  const breakerState = metric(registry, metricCatalog.vendorBreakerState);
  const breakerOpens = metric(registry, metricCatalog.vendorBreakerOpens);

  return (operation, deadlineMs) => {
    const byOutcome = new Map<VendorCallOutcome, Counter.Internal>();
    const outcome = (o: VendorCallOutcome): Counter.Internal => {
      let counter = byOutcome.get(o);
      if (counter === undefined) {
        counter = calls.labels(vendor, operation, o);
        byOutcome.set(o, counter);
      }
      return counter;
    };
    const duration: Histogram.Internal<string> = durations.labels(vendor, operation);
    const retried: Counter.Internal = retries.labels(vendor, operation);
    const missed: Counter.Internal = slaMisses.labels(vendor, operation);
    const state: Gauge.Internal<string> = breakerState.labels(vendor, operation);
    const opened: Counter.Internal = breakerOpens.labels(vendor, operation);
    // Present from start-up at 0, so that rate() and increase() see an operation before its first event.
    outcome('ok').inc(0);
    retried.inc(0);
    missed.inc(0);
    opened.inc(0);
    state.set(BREAKER_STATE_VALUE.closed);
    slaBudget.labels(vendor, operation).set(deadlineMs / 1000);

    return {
      retried: () => retried.inc(),
      refused: (o) => outcome(o).inc(),
      finished(o, seconds, slaMiss) {
        outcome(o).inc();
        duration.observe(seconds);
        if (slaMiss) missed.inc();
      },
      breakerChanged(s) {
        state.set(BREAKER_STATE_VALUE[s]);
        if (s === 'open') opened.inc();
      },
    };
  };
}
