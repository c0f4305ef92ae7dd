/**
 * Every metric the services export, in one place: the kit and the gateway create their
 * metrics from these specs (`metric`), `npm run docs` writes docs/metrics.md from them, and
 * the operator's kit (deploy/grafana, deploy/prometheus) is checked against them, so that a
 * dashboard or an alert can never name a metric that does not exist.
 *
 * Labels are bounded by construction: vendor and operation names come from code, cache names
 * from loader names, subgraph names from the supergraph, GraphQL operation names from the app
 * builds' manifests (others are capped, see gateway/src/metrics/operationLabel.ts), error
 * codes from the error registry. Never an id, a user, a URL or a raw input.
 *
 * Every service also exports prom-client's process metrics (`process_*`, `nodejs_*`).
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  /** Histograms only: upper bounds, in the metric's unit. */
  readonly buckets?: readonly number[];
  /** Which services export it (for the docs). */
  readonly exportedBy: 'gateway' | 'subgraphs and workers that call vendors';
}

/** Seconds: from a cache-speed 5 ms to past the 1 s vendor budget. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

/** Breaker states as gauge values: closed 0, half-open 1, open 2. */
export const BREAKER_STATE_VALUE = { closed: 0, halfOpen: 1, open: 2 } as const;

export const metricCatalog = {
  // ── Vendor calls (the kit) ─────────────────────────────────────────────────────────
  vendorCallDuration: {
    name: 'vendor_call_duration_seconds',
    type: 'histogram',
    help: 'Time of one vendor call, retries included, from its start to its answer or failure. Calls refused before leaving (breaker open, rate-limit gate, request budget spent or caller gone, a request that could not be built) and calls their caller abandoned in flight (outcome cancelled) are not observed.',
    labels: ['vendor', 'operation'],
    buckets: LATENCY_BUCKETS,
    exportedBy: 'subgraphs and workers that call vendors',
  },
  vendorCalls: {
    name: 'vendor_calls_total',
    type: 'counter',
    help: 'Vendor calls by outcome: ok; the kit error kind (timeout, network, server = 5xx, rate_limited = 429 or our Retry-After gate, bad_response, breaker_open, not_found, rejected, refused, auth); or what the caller caused, no fault of the vendor: cancelled (the caller went away before the call started or while it was in flight), no_budget (the request budget was spent before it started). The client sees VENDOR_TIMEOUT for those two, as for timeout.',
    labels: ['vendor', 'operation', 'outcome'],
    exportedBy: 'subgraphs and workers that call vendors',
  },
  vendorRetries: {
    name: 'vendor_retries_total',
    type: 'counter',
    help: 'Retries of idempotent vendor reads (attempts after the first).',
    labels: ['vendor', 'operation'],
    exportedBy: 'subgraphs and workers that call vendors',
  },
  vendorSlaMisses: {
    name: 'vendor_sla_misses_total',
    type: 'counter',
    help: "Vendor calls that did not answer within the vendor's deadline budget (vendor_sla_budget_seconds): answered only after it, or aborted at their deadline, which the request's remaining budget may have shortened; a call given less than half the budget when it started is not held against the vendor.",
    labels: ['vendor', 'operation'],
    exportedBy: 'subgraphs and workers that call vendors',
  },
  vendorSlaBudget: {
    name: 'vendor_sla_budget_seconds',
    type: 'gauge',
    help: "The vendor operation's deadline budget (its latency SLA): the line vendor_call_duration_seconds is judged against.",
    labels: ['vendor', 'operation'],
    exportedBy: 'subgraphs and workers that call vendors',
  },
  vendorBreakerState: {
    name: 'vendor_breaker_state',
    type: 'gauge',
    help: "State of the vendor operation's circuit breaker: 0 closed, 1 half-open, 2 open.",
    labels: ['vendor', 'operation'],
    exportedBy: 'subgraphs and workers that call vendors',
  },
  vendorBreakerOpens: {
    name: 'vendor_breaker_opens_total',
    type: 'counter',
    help: "Times the vendor operation's circuit breaker opened.",
    labels: ['vendor', 'operation'],
    exportedBy: 'subgraphs and workers that call vendors',
  },
  cacheLookups: {
    name: 'cache_lookups_total',
    type: 'counter',
    help: 'Shared-cache lookups of vendor answers by result: hit (fresh, no vendor call) or miss (absent, or older than its TTL: the vendor is asked).',
    labels: ['cache', 'result'],
    exportedBy: 'subgraphs and workers that call vendors',
  },
  cacheStaleServed: {
    name: 'cache_stale_served_total',
    type: 'counter',
    help: 'Values served from the cache past their TTL (within max-stale) because the vendor call failed.',
    labels: ['cache'],
    exportedBy: 'subgraphs and workers that call vendors',
  },

  // ── The gateway ────────────────────────────────────────────────────────────────────
  gatewayRequests: {
    name: 'gateway_requests_total',
    type: 'counter',
    help: 'GraphQL operations the gateway answered, by operation name (bounded: see docs/metrics.md). An APQ miss (PERSISTED_QUERY_NOT_FOUND, which the client answers by resending the text) is not one: gateway_persisted_queries_total counts it.',
    labels: ['operation'],
    exportedBy: 'gateway',
  },
  gatewayRequestErrors: {
    name: 'gateway_request_errors_total',
    type: 'counter',
    help: 'Errors in GraphQL answers, by operation name and error code (as the client saw them). APQ misses are left out, as in gateway_requests_total.',
    labels: ['operation', 'code'],
    exportedBy: 'gateway',
  },
  gatewayRequestDuration: {
    name: 'gateway_request_duration_seconds',
    type: 'histogram',
    help: 'Time from a GraphQL operation reaching Apollo to its answer being ready, by operation name (APQ misses left out, as in gateway_requests_total).',
    labels: ['operation'],
    buckets: LATENCY_BUCKETS,
    exportedBy: 'gateway',
  },
  gatewayRateLimitRefusals: {
    name: 'gateway_rate_limit_refusals_total',
    type: 'counter',
    help: 'Requests refused with 429 by a rate limit: ip (one client), ipShared (all installs behind one address) or user.',
    labels: ['limit'],
    exportedBy: 'gateway',
  },
  gatewayPersistedQueries: {
    name: 'gateway_persisted_queries_total',
    type: 'counter',
    help: "Persisted-query lookups by result: hit (the hash was known), miss (PERSISTED_QUERY_NOT_FOUND: the client resends the text), refused (safelist mode: not in any app build). A miss or refusal is labelled by the operation name the client claimed when it is an app build's, else __other (__unknown when it named none).",
    labels: ['operation', 'result'],
    exportedBy: 'gateway',
  },
  gatewayResponseCache: {
    name: 'gateway_response_cache_total',
    type: 'counter',
    help: 'Lookups in the shared response cache (RESPONSE_CACHE, off by default) by result: hit (answered from the cache, no subgraph fetch) or miss (asked the subgraphs). Only anonymous queries look it up; signed-in requests and mutations are not counted.',
    labels: ['result'],
    exportedBy: 'gateway',
  },
  gatewaySubgraphFetches: {
    name: 'gateway_subgraph_fetches_total',
    type: 'counter',
    help: 'Fetches from the gateway to a subgraph by outcome: ok, timeout, unavailable (no connection, a non-2xx answer, an unreadable answer), breaker_open, no_budget (not started: the request budget was spent, the subgraph was never asked), deduplicated (not sent: it shared an identical query fetch in flight, whose own outcome is counted once). A fetch whose client had gone is not counted.',
    labels: ['subgraph', 'outcome'],
    exportedBy: 'gateway',
  },
  gatewaySubgraphFetchDuration: {
    name: 'gateway_subgraph_fetch_duration_seconds',
    type: 'histogram',
    help: 'Time of one fetch from the gateway to a subgraph.',
    labels: ['subgraph'],
    buckets: LATENCY_BUCKETS,
    exportedBy: 'gateway',
  },
  gatewaySubgraphBreakerState: {
    name: 'gateway_subgraph_breaker_state',
    type: 'gauge',
    help: "State of the gateway's breaker for a subgraph at scrape time: 0 closed, 1 half-open (its reset time has passed: the next fetch is a trial), 2 open.",
    labels: ['subgraph'],
    exportedBy: 'gateway',
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof metricCatalog;
