/**
 * The event workers alone, for deployments that scale pushes apart from the GraphQL service
 * (then run the service with NOTIFICATIONS_WORKERS=0). Same settings as the service; at
 * least one worker. SIGTERM: stop taking jobs, let running ones finish, exit 0.
 */
import { exitOnConfigError } from '../../../platform/config/exitOnConfigError.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { startTracing } from '../../../platform/tracing/startTracing.js';
import { parseNotificationsConfig } from '../config.js';
import { createNotificationsRuntime } from '../createNotificationsRuntime.js';
import { createPushSender } from '../push/createPushSender.js';

const config = exitOnConfigError(() => parseNotificationsConfig(process.env));
const logger = createLogger({ service: 'notifications-worker', level: config.logLevel });
// Off unless the OTEL_* variables ask for an exporter.
const tracing = startTracing({ service: 'notifications-worker', env: process.env });
const sender = createPushSender(config, logger);
const runtime = createNotificationsRuntime({ config, logger, sender, workers: Math.max(1, config.workers) });

try {
  await runtime.start();
} catch (err) {
  logger.error({ err }, 'notifications worker could not start');
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
  await tracing.shutdown();
  process.exit(0);
};
process.on('SIGTERM', (s) => void stop(s));
process.on('SIGINT', (s) => void stop(s));
logger.info('notifications worker ready');
