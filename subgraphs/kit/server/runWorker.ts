import type { Registry } from 'prom-client';
import { exitOnConfigError } from '../../../platform/config/exitOnConfigError.js';
import type { Env } from '../../../platform/config/setting.js';
import type { LogLevel, Logger } from '../../../platform/log/createLogger.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { startTracing } from '../../../platform/tracing/startTracing.js';
import { createMetricsHandler } from '../../../platform/metrics/createMetricsHandler.js';
import { createMetricsRegistry } from '../../../platform/metrics/createMetricsRegistry.js';
import { startHttpServer, type RunningHttpServer } from '../../../platform/http/startHttpServer.js';

interface WorkerConfig {
  readonly logLevel: LogLevel;
  readonly host: string;
  readonly metricsPort?: number | undefined;
}

/** What a worker's main.ts builds: its runtime (started, then stopped on SIGTERM) and what to close after it. */
export interface WorkerParts {
  readonly runtime: { start(): Promise<void>; stop(): Promise<void> };
  close(): Promise<void>;
}

/**
 * Everything a worker's main.ts does beside building its runtime, as runSubgraph does for a
 * subgraph: parse its config (exit listing every problem), make its logger, tracing (off unless
 * the OTEL_* variables ask for an exporter) and metrics registry, start the runtime and, when
 * `metricsPort` is set, /metrics (and /healthz) on it; exit 1 if it cannot start. SIGTERM or
 * SIGINT: stop the runtime (running jobs finish), close, flush the spans, exit 0; a second
 * signal exits 1 at once. `service` names the logger, the spans and the metrics ('payments-worker').
 */
export async function runWorker<TConfig extends WorkerConfig>(options: {
  readonly service: string;
  readonly env: Env;
  parseConfig(env: Env): TConfig;
  create(context: { config: TConfig; logger: Logger; metrics: Registry }): WorkerParts;
}): Promise<void> {
  const { service, env } = options;
  const label = service.replace(/-/g, ' ');
  const config = exitOnConfigError(() => options.parseConfig(env));
  const logger = createLogger({ service, level: config.logLevel });
  const tracing = await exitOnConfigError(() => startTracing({ service, env, logger }));
  const metrics = createMetricsRegistry({ service });
  const { runtime, close } = options.create({ config, logger, metrics });

  let metricsHttp: RunningHttpServer | undefined;
  try {
    await runtime.start();
    // No HTTP server of its own otherwise: /metrics (and /healthz) only when asked for.
    if (config.metricsPort !== undefined) metricsHttp = await startHttpServer(createMetricsHandler(metrics), { host: config.host, port: config.metricsPort });
  } catch (err) {
    logger.error({ err }, `${label} could not start`);
    await runtime.stop().catch(() => undefined);
    await close();
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, `${label} stopping`);
    await runtime.stop();
    await close();
    await metricsHttp?.close(1_000);
    await tracing.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
  logger.info(metricsHttp ? { metrics: `${metricsHttp.origin}/metrics` } : {}, `${label} ready`);
}
