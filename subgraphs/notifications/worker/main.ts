/**
 * The event workers alone, for deployments that scale pushes apart from the GraphQL service
 * (then run the service with NOTIFICATIONS_WORKERS=0). Same settings as the service; at
 * least one worker. SIGTERM: stop taking jobs, let running ones finish, exit 0.
 */
import { runWorker } from '../../kit/server/runWorker.js';
import { parseNotificationsConfig } from '../config.js';
import { createNotificationsRuntime } from '../createNotificationsRuntime.js';
import { createPushSender } from '../push/createPushSender.js';

await runWorker({
  service: 'notifications-worker',
  env: process.env,
  parseConfig: parseNotificationsConfig,
  create: ({ config, logger, metrics }) => {
    const sender = createPushSender(config, logger, { metrics });
    const runtime = createNotificationsRuntime({ config, logger, sender, workers: Math.max(1, config.workers) });
    return { runtime, close: () => sender.close() };
  },
});
