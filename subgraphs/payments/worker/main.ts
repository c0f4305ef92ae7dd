/**
 * The inbox workers alone, for deployments that scale them apart from the GraphQL service
 * (then run the service with PAYMENTS_INBOX_WORKERS=0). Same settings as the service; at
 * least one worker. SIGTERM: stop taking jobs, let running ones finish, exit 0.
 */
import { exitOnConfigError } from '../../../platform/config/exitOnConfigError.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { startTracing } from '../../../platform/tracing/startTracing.js';
import { createMetricsHandler } from '../../../platform/metrics/createMetricsHandler.js';
import { createMetricsRegistry } from '../../../platform/metrics/createMetricsRegistry.js';
import { startHttpServer, type RunningHttpServer } from '../../../platform/http/startHttpServer.js';
import { createVendorClient } from '../../kit/vendor/createVendorClient.js';
import { toVendorClientOptions } from '../../kit/vendor/vendorSettings.js';
import { parsePaymentsConfig } from '../config.js';
import { createPaymentsRuntime } from '../createPaymentsRuntime.js';
import { createPaylaneClient } from '../paylaneClient.js';

const config = exitOnConfigError(() => parsePaymentsConfig(process.env));
const logger = createLogger({ service: 'payments-worker', level: config.logLevel });
// Off unless the OTEL_* variables ask for an exporter.
const tracing = exitOnConfigError(() => startTracing({ service: 'payments-worker', env: process.env, logger }));
const metrics = createMetricsRegistry({ service: 'payments-worker' });
const vendor = createVendorClient(toVendorClientOptions('payments', config, logger, (token) => ({ kind: 'bearer', token }), metrics));
const runtime = createPaymentsRuntime({ config, logger, paylane: createPaylaneClient(vendor), workers: Math.max(1, config.inboxWorkers) });

let metricsHttp: RunningHttpServer | undefined;
try {
  await runtime.start();
  // No HTTP server of its own otherwise: /metrics (and /healthz) only when asked for.
  if (config.metricsPort !== undefined) metricsHttp = await startHttpServer(createMetricsHandler(metrics), { host: config.host, port: config.metricsPort });
} catch (err) {
  logger.error({ err }, 'payments worker could not start');
  await runtime.stop().catch(() => undefined);
  await vendor.close();
  process.exit(1);
}
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) process.exit(1);
  stopping = true;
  logger.info({ signal }, 'payments worker stopping');
  await runtime.stop();
  await vendor.close();
  await metricsHttp?.close(1_000);
  await tracing.shutdown();
  process.exit(0);
};
process.on('SIGTERM', (s) => void stop(s));
process.on('SIGINT', (s) => void stop(s));
logger.info(metricsHttp ? { metrics: `${metricsHttp.origin}/metrics` } : {}, 'payments worker ready');
