/**
 * The inbox workers alone, for deployments that scale them apart from the GraphQL service
 * (then run the service with PAYMENTS_INBOX_WORKERS=0). Same settings as the service; at
 * least one worker. SIGTERM: stop taking jobs, let running ones finish, exit 0.
 */
import { exitOnConfigError } from '../../../platform/config/exitOnConfigError.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { startTracing } from '../../../platform/tracing/startTracing.js';
import { createVendorClient } from '../../kit/vendor/createVendorClient.js';
import { toVendorClientOptions } from '../../kit/vendor/vendorSettings.js';
import { parsePaymentsConfig } from '../config.js';
import { createPaymentsRuntime } from '../createPaymentsRuntime.js';
import { createPaylaneClient } from '../paylaneClient.js';

const config = exitOnConfigError(() => parsePaymentsConfig(process.env));
const logger = createLogger({ service: 'payments-worker', level: config.logLevel });
// Off unless the OTEL_* variables ask for an exporter.
const tracing = startTracing({ service: 'payments-worker', env: process.env });
const vendor = createVendorClient(toVendorClientOptions('payments', config, logger, (token) => ({ kind: 'bearer', token })));
const runtime = createPaymentsRuntime({ config, logger, paylane: createPaylaneClient(vendor), workers: Math.max(1, config.inboxWorkers) });

try {
  await runtime.start();
} catch (err) {
  logger.error({ err }, 'payments worker could not start');
  process.exit(1);
}
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) process.exit(1);
  stopping = true;
  logger.info({ signal }, 'payments worker stopping');
  await runtime.stop();
  await vendor.close();
  await tracing.shutdown();
  process.exit(0);
};
process.on('SIGTERM', (s) => void stop(s));
process.on('SIGINT', (s) => void stop(s));
logger.info('payments worker ready');
