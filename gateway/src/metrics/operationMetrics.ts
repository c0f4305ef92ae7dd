import type { Counter, Histogram, Registry } from 'prom-client';
import { isErrorCode } from '../../../platform/errors/errorCodes.js';
import { metric } from '../../../platform/metrics/metric.js';
import { metricCatalog } from '../../../platform/metrics/metricCatalog.js';

/** The code label of an error whose code is not in the registry (masking should leave none). */
export const UNKNOWN_ERROR_CODE = 'UNKNOWN';

export interface OperationMetrics {
  /**
   * One GraphQL operation answered: its label (from an `OperationLabel`, which keeps the set
   * bounded), how long it took (s), and the `extensions.code` of every error its answer carries.
   */
  answered(operation: string, seconds: number, codes: Iterable<unknown>): void;
}

interface OperationSeries {
  readonly requests: Counter.Internal;
  readonly duration: Histogram.Internal<'operation'>;
  /** By code; the registry's codes and UNKNOWN_ERROR_CODE at most. */
  readonly errors: Map<string, Counter.Internal>;
}

/**
 * gateway_requests_total, gateway_request_errors_total and gateway_request_duration_seconds.
 * Each label set's children are made once and kept: the labels are bounded, so the cache is
 * too, and a request only looks them up.
 */
export function operationMetrics(registry: Registry): OperationMetrics {
  const requests = metric(registry, metricCatalog.gatewayRequests);
  const errors = metric(registry, metricCatalog.gatewayRequestErrors);
  const duration = metric(registry, metricCatalog.gatewayRequestDuration);
  const byOperation = new Map<string, OperationSeries>();

  const seriesOf = (operation: string): OperationSeries => {
    let series = byOperation.get(operation);
    if (!series) {
      series = { requests: requests.labels(operation), duration: duration.labels(operation), errors: new Map() };
      byOperation.set(operation, series);
    }
    return series;
  };

  return {
    answered(operation, seconds, codes) {
      const series = seriesOf(operation);
      series.requests.inc();
      series.duration.observe(seconds);
      for (const raw of codes) {
        const code = isErrorCode(raw) ? raw : UNKNOWN_ERROR_CODE;
        let child = series.errors.get(code);
        if (!child) {
          child = errors.labels(operation, code);
          series.errors.set(code, child);
        }
        child.inc();
      }
    },
  };
}
