import type { Counter, Registry } from 'prom-client';
import { metric } from '../../../platform/metrics/metric.js';
import { metricCatalog } from '../../../platform/metrics/metricCatalog.js';

/** hit: the hash or text was known; miss: PERSISTED_QUERY_NOT_FOUND (the client resends the text); refused: not in any app build (safelist). */
export type PersistedQueryResult = 'hit' | 'miss' | 'refused';

export interface PersistedQueryMetrics {
  /** One persisted-query lookup; `operation` comes from an `OperationLabel`, which keeps the set bounded. */
  counted(result: PersistedQueryResult, operation: string): void;
}

/** gateway_persisted_queries_total, with each label set's child made once and kept. */
export function persistedQueryMetrics(registry: Registry): PersistedQueryMetrics {
  const lookups = metric(registry, metricCatalog.gatewayPersistedQueries);
  const byResult: Record<PersistedQueryResult, Map<string, Counter.Internal>> = { hit: new Map(), miss: new Map(), refused: new Map() };
  return {
    counted(result, operation) {
      const children = byResult[result];
      let child = children.get(operation);
      if (!child) {
        child = lookups.labels(operation, result);
        children.set(operation, child);
      }
      child.inc();
    },
  };
}
