import type { Counter, Registry } from 'prom-client';
import { metric } from '../../../platform/metrics/metric.js';
import { metricCatalog } from '../../../platform/metrics/metricCatalog.js';
import type { RateLimitScope } from '../rateLimit/createRateLimiter.js';

export interface RateLimitMetrics {
  /** One request refused with 429 by the `limit` counter. */
  refused(limit: RateLimitScope): void;
}

const LIMITS: readonly RateLimitScope[] = ['ip', 'ipShared', 'user'];

/**
 * gateway_rate_limit_refusals_total. Every limit's series exists from the start at 0, so a
 * rate() over it has a baseline before the first refusal instead of a gap.
 */
export function rateLimitMetrics(registry: Registry): RateLimitMetrics {
  const refusals = metric(registry, metricCatalog.gatewayRateLimitRefusals);
  const byLimit = new Map<RateLimitScope, Counter.Internal>(LIMITS.map((limit) => [limit, refusals.labels(limit)]));
  for (const child of byLimit.values()) child.inc(0);
  return {
    refused(limit) {
      byLimit.get(limit)?.inc();
    },
  };
}
