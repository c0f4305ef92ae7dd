/**
 * The event workers alone, for deployments that scale pushes apart from the GraphQL service
 * (then run the service with NOTIFICATIONS_WORKERS=0). Same settings as the service; at
 * least one worker. SIGTERM: stop taking jobs, let running ones finish, exit 0.
 */
import { exitOnConfigError } from '../../../platform/config/exitOnConfigError.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { startTracing } from '../../../platform/tracing/startTracing.js';
import { createMetricsHandler } from '../../../platform/metrics/createMetricsHandler.js';
import { createMetricsRegistry } from '../../../platform/metrics/createMetricsRegistry.js';
import { startHttpServer, type RunningHttpServer } from '../../../platform/http/startHttpServer.js';
import { parseNotificationsConfig } from '../config.js';
import { createNotificationsRuntime } from '../createNotificationsRuntime.js';
import { createPushSender } from '../push/createPushSender.js';

const config = exitOnConfigError(() => parseNotificationsConfig(process.env));
const logger = createLogger({ service: 'notifications-worker', level: config.logLevel });
// Off unless the OTEL_* variables ask for an exporter.
const tracing = exitOnConfigError(() => startTracing({ service: 'notifications-worker', env: process.env, logger }));
const metrics = createMetricsRegistry({ service: 'notifications-worker' });
const sender = createPushSender(config, logger, { metrics });
const runtime = createNotificationsRuntime({ config, logger, sender, workers: Math.max(1, config.workers) });

let metricsHttp: RunningHttpServer | undefined;
try {
  await runtime.start();
  // No HTTP server of its own otherwise: /metrics (and /healthz) only when asked for.
  if (config.metricsPort !== undefined) metricsHttp = await startHttpServer(createMetricsHandler(metrics), { host: config.host, port: config.metricsPort });
} catch (err) {
  logger.error({ err }, 'notifications worker could not start');
  await runtime.stop().catch(() => undefined);
  await sender.close();
  process.exit(1);
}
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) process.exit(1);
  stopping = true;
  logger.info({ signal }, 'notifications worker stopping');
  await runtime.stop();
  await sender.close();
  await metricsHttp?.close(1_000);
  await tracing.shutdown();
  process.exit(0);
};
process.on('SIGTERM', (s) => void stop(s));
process.on('SIGINT', (s) => void stop(s));
logger.info(metricsHttp ? { metrics: `${metricsHttp.origin}/metrics` } : {}, 'notifications worker ready');
