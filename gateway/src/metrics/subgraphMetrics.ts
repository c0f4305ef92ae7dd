import type { Counter, Registry } from 'prom-client';
import { metric } from '../../../platform/metrics/metric.js';
import { BREAKER_STATE_VALUE, metricCatalog } from '../../../platform/metrics/metricCatalog.js';
import type { SubgraphBreakerState } from '../datasources/SubgraphBreaker.js';

/** ok: the subgraph answered GraphQL; timeout: the budget ran out (during the fetch, or before it could start); unavailable: no connection, a non-2xx or unreadable answer; breaker_open: not started, the breaker is open. */
export type SubgraphFetchOutcome = 'ok' | 'timeout' | 'unavailable' | 'breaker_open';

export interface SubgraphMetrics {
  /** A fetch that started and ended with `outcome` after `seconds`. */
  fetched(outcome: SubgraphFetchOutcome, seconds: number): void;
  /** A fetch that never started (breaker open, no budget left): counted, no duration. */
  refused(outcome: SubgraphFetchOutcome): void;
  breakerState(state: SubgraphBreakerState): void;
}

const OUTCOMES: readonly SubgraphFetchOutcome[] = ['ok', 'timeout', 'unavailable', 'breaker_open'];

/**
 * One subgraph's gateway_subgraph_fetches_total, gateway_subgraph_fetch_duration_seconds and
 * gateway_subgraph_breaker_state. The subgraph names come from the supergraph, so they are
 * bounded. Every series exists from the start (outcomes and durations at 0, the breaker
 * closed), so a rate() has a baseline before the first fetch.
 */
export function subgraphMetrics(registry: Registry, subgraph: string): SubgraphMetrics {
  const fetches = metric(registry, metricCatalog.gatewaySubgraphFetches);
  const durations = metric(registry, metricCatalog.gatewaySubgraphFetchDuration);
  durations.zero({ subgraph });
  const duration = durations.labels(subgraph);
  const breaker = metric(registry, metricCatalog.gatewaySubgraphBreakerState).labels(subgraph);
  const byOutcome = new Map<SubgraphFetchOutcome, Counter.Internal>(OUTCOMES.map((outcome) => [outcome, fetches.labels(subgraph, outcome)]));
  for (const child of byOutcome.values()) child.inc(0);
  breaker.set(BREAKER_STATE_VALUE.closed);
  return {
    fetched(outcome, seconds) {
      byOutcome.get(outcome)?.inc();
      duration.observe(seconds);
    },
    refused(outcome) {
      byOutcome.get(outcome)?.inc();
    },
    breakerState(state) {
      breaker.set(BREAKER_STATE_VALUE[state]);
    },
  };
}
