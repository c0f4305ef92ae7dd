import { collectDefaultMetrics, Registry } from 'prom-client';

export interface MetricsRegistryOptions {
  /** The service's name (gateway, catalog, payments-worker …): the `service` label of every metric. */
  readonly service: string;
  /** prom-client's process metrics (CPU, memory, event-loop lag, GC). Default true. */
  readonly processMetrics?: boolean;
}

/**
 * One Prometheus registry per service, never prom-client's global one: the test harness runs
 * the gateway and every subgraph in one process, and each must export only its own metrics.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
