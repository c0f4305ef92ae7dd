import { exitOnConfigError } from '../../../platform/config/exitOnConfigError.js';
import type { Env } from '../../../platform/config/setting.js';
import type { LogLevel } from '../../../platform/log/createLogger.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { startTracing } from '../../../platform/tracing/startTracing.js';
import { createCacheStore } from '../../../platform/store/createCacheStore.js';
import { createMetricsRegistry } from '../../../platform/metrics/createMetricsRegistry.js';
import { serveSubgraph } from './serveSubgraph.js';
import { subgraphCacheNamespace } from './subgraphCacheNamespace.js';
import type { SubgraphModule } from './SubgraphModule.js';

interface RunnableConfig {
  readonly redisUrl?: string | undefined;
  readonly redisPrefix: string;
  readonly logLevel: LogLevel;
  readonly host: string;
  readonly port: number;
  readonly shutdownGraceMs: number;
}

/**
 * Everything a subgraph's main.ts does: parse its config (exit listing every problem),
 * make its logger, shared cache and metrics registry, then serve it until SIGTERM. `env` is process.env.
 */
export async function runSubgraph<TConfig extends RunnableConfig>(module: SubgraphModule<TConfig>, env: Env): Promise<void> {
  const config = exitOnConfigError(() => module.parseConfig(env));
  const logger = createLogger({ service: module.name, level: config.logLevel });
  // Off unless the OTEL_* variables ask for an exporter; serveSubgraph flushes it on shutdown.
  const tracing = await exitOnConfigError(() => startTracing({ service: module.name, env, logger }));
  const cache = createCacheStore({ redisUrl: config.redisUrl, namespace: subgraphCacheNamespace(config.redisPrefix, module.name), logger });
  // The process is this subgraph's alone: its registry carries the process metrics too. Served at /metrics on its port.
  const metrics = createMetricsRegistry({ service: module.name });
  await serveSubgraph(module.create({ config, logger, cache, metrics }), { ...config, logger, cache, tracing });
}
