import { Gauge, type Counter, type Registry } from 'prom-client';
import { metric } from '../../../platform/metrics/metric.js';
import { BREAKER_STATE_VALUE, metricCatalog } from '../../../platform/metrics/metricCatalog.js';
import type { SubgraphBreakerState } from '../datasources/SubgraphBreaker.js';

/**
 * ok: the subgraph answered GraphQL; timeout: the budget ran out during the fetch;
 * unavailable: no connection, a non-2xx or unreadable answer; breaker_open: not started, the
 * breaker is open; no_budget: not started, the request had no budget left (the subgraph was
 * never asked, so it is not the subgraph's timeout); deduplicated: not sent, it shared an
 * identical fetch in flight (whose own outcome is counted once, under that fetch).
 */
export type SubgraphFetchOutcome = 'ok' | 'timeout' | 'unavailable' | 'breaker_open' | 'no_budget' | 'deduplicated';

export interface SubgraphMetrics {
  /** A fetch that started and ended with `outcome` after `seconds`. */
  fetched(outcome: SubgraphFetchOutcome, seconds: number): void;
  /** A fetch that never started (breaker open, no budget left): counted, no duration. */
  refused(outcome: SubgraphFetchOutcome): void;
  /** A fetch answered (or failed) by an identical one in flight: counted, no duration (the subgraph was asked once). */
  deduplicated(): void;
}

const OUTCOMES: readonly SubgraphFetchOutcome[] = ['ok', 'timeout', 'unavailable', 'breaker_open', 'no_budget', 'deduplicated'];

/** Per registry: each subgraph's breaker, read when the registry is scraped. */
const breakerStates = new WeakMap<Registry, Map<string, () => SubgraphBreakerState>>();

/**
 * gateway_subgraph_breaker_state, computed at scrape time from each subgraph's breaker. Set on
 * transitions only, it would go stale: the breaker turns half-open when the next fetch asks
 * after its reset time, so an idle subgraph after an outage would read open for ever (and keep
 * SubgraphBreakerOpen firing). The breaker's `state` reads half-open as soon as that time has
 * passed, fetch or not.
 */
function breakerStateReaders(registry: Registry): Map<string, () => SubgraphBreakerState> {
  const known = breakerStates.get(registry);
  if (known) return known;
  const readers = new Map<string, () => SubgraphBreakerState>();
  const spec = metricCatalog.gatewaySubgraphBreakerState;
  new Gauge({
    name: spec.name,
    help: spec.help,
    labelNames: [...spec.labels],
    registers: [registry],
    collect() {
      for (const [subgraph, state] of readers) this.labels(subgraph).set(BREAKER_STATE_VALUE[state()]);
    },
  });
  breakerStates.set(registry, readers);
  return readers;
}

/**
 * One subgraph's gateway_subgraph_fetches_total, gateway_subgraph_fetch_duration_seconds and
 * gateway_subgraph_breaker_state (read from `breakerState` at each scrape). The subgraph names
 * come from the supergraph, so they are bounded. Every series exists from the start (outcomes
 * and durations at 0, the breaker's state), so a rate() has a baseline before the first fetch.
 * A later data source of the same subgraph (a new supergraph) replaces the earlier one's breaker.
 */
export function subgraphMetrics(registry: Registry, subgraph: string, breakerState: () => SubgraphBreakerState): SubgraphMetrics {
  const fetches = metric(registry, metricCatalog.gatewaySubgraphFetches);
  const durations = metric(registry, metricCatalog.gatewaySubgraphFetchDuration);
  durations.zero({ subgraph });
  const duration = durations.labels(subgraph);
  breakerStateReaders(registry).set(subgraph, breakerState);
  const byOutcome = new Map<SubgraphFetchOutcome, Counter.Internal>(OUTCOMES.map((outcome) => [outcome, fetches.labels(subgraph, outcome)]));
  for (const child of byOutcome.values()) child.inc(0);
  return {
    fetched(outcome, seconds) {
      byOutcome.get(outcome)?.inc();
      duration.observe(seconds);
    },
    refused(outcome) {
      byOutcome.get(outcome)?.inc();
    },
    deduplicated() {
      byOutcome.get('deduplicated')?.inc();
    },
  };
}
