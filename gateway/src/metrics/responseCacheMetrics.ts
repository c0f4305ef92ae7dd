import type { Registry } from 'prom-client';
import { metric } from '../../../platform/metrics/metric.js';
import { metricCatalog } from '../../../platform/metrics/metricCatalog.js';

export type ResponseCacheResult = 'hit' | 'miss';

export interface ResponseCacheMetrics {
  counted(result: ResponseCacheResult): void;
}

/** gateway_response_cache_total, both children made at once so that a dashboard sees 0, not nothing. */
export function responseCacheMetrics(registry: Registry): ResponseCacheMetrics {
  const lookups = metric(registry, metricCatalog.gatewayResponseCache);
  const children = { hit: lookups.labels('hit'), miss: lookups.labels('miss') };
  return {
    counted(result) {
      children[result].inc();
    },
  };
}
