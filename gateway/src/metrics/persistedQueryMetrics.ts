import type { Registry } from 'prom-client';
import { metric } from '../../../platform/metrics/metric.js';
import { metricCatalog } from '../../../platform/metrics/metricCatalog.js';
import { labelledChildren } from './labelledChildren.js';

/** hit: the hash or text was known; miss: PERSISTED_QUERY_NOT_FOUND (the client resends the text); refused: not in any app build (safelist). */
export type PersistedQueryResult = 'hit' | 'miss' | 'refused';

export interface PersistedQueryMetrics {
  /** One persisted-query lookup; `operation` comes from an `OperationLabel`, which keeps the set bounded. */
  counted(result: PersistedQueryResult, operation: string): void;
}

/** gateway_persisted_queries_total, with each label set's child made once and kept. */
export function persistedQueryMetrics(registry: Registry): PersistedQueryMetrics {
  const lookups = metric(registry, metricCatalog.gatewayPersistedQueries);
  const child = labelledChildren((operation: string, result: PersistedQueryResult) => lookups.labels(operation, result));
  return {
    counted(result, operation) {
      child(operation, result).inc();
    },
  };
}
