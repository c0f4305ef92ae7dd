import type { Registry } from 'prom-client';
import { isErrorCode } from '../../../platform/errors/errorCodes.js';
import { metric } from '../../../platform/metrics/metric.js';
import { metricCatalog } from '../../../platform/metrics/metricCatalog.js';
import { labelledChildren } from './labelledChildren.js';

/** The code label of an error whose code is not in the registry (masking should leave none). */
export const UNKNOWN_ERROR_CODE = 'UNKNOWN';

export interface OperationMetrics {
  /**
   * One GraphQL operation answered: its label (from an `OperationLabel`, which keeps the set
   * bounded), how long it took (s), and the `extensions.code` of every error its answer carries.
   */
  answered(operation: string, seconds: number, codes: Iterable<unknown>): void;
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
  const requestsOf = labelledChildren((operation: string) => requests.labels(operation));
  const durationOf = labelledChildren((operation: string) => duration.labels(operation));
  const errorsOf = labelledChildren((operation: string, code: string) => errors.labels(operation, code));

  return {
    answered(operation, seconds, codes) {
      requestsOf(operation).inc();
      durationOf(operation).observe(seconds);
      for (const raw of codes) errorsOf(operation, isErrorCode(raw) ? raw : UNKNOWN_ERROR_CODE).inc();
    },
  };
}
