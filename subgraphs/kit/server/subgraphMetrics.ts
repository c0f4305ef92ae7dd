import type { Registry } from 'prom-client';
import { createMetricsRegistry } from '../../../platform/metrics/createMetricsRegistry.js';

/**
 * The registry a subgraph counts in: the one it was given (`SubgraphDeps.metrics`: runSubgraph's,
 * with the process metrics), else one of its own without them. The test harness and the
 * in-process tools run several services in one process, whose CPU and memory are not any
 * one service's to report.
 */
export function subgraphMetrics(service: string, given: Registry | undefined): Registry {
  return given ?? createMetricsRegistry({ service, processMetrics: false });
}
