/**
 * The inbox workers alone, for deployments that scale them apart from the GraphQL service
 * (then run the service with PAYMENTS_INBOX_WORKERS=0). Same settings as the service; at
 * least one worker. SIGTERM: stop taking jobs, let running ones finish, exit 0.
 */
import { runWorker } from '../../kit/server/runWorker.js';
import { createVendorClient } from '../../kit/vendor/createVendorClient.js';
import { toVendorClientOptions } from '../../kit/vendor/vendorSettings.js';
import { parsePaymentsConfig } from '../config.js';
import { createPaymentsRuntime } from '../createPaymentsRuntime.js';
import { createPaylaneClient } from '../paylaneClient.js';

await runWorker({
  service: 'payments-worker',
  env: process.env,
  parseConfig: parsePaymentsConfig,
  create: ({ config, logger, metrics }) => {
    const vendor = createVendorClient(toVendorClientOptions('payments', config, logger, (token) => ({ kind: 'bearer', token }), metrics));
    const runtime = createPaymentsRuntime({ config, logger, paylane: createPaylaneClient(vendor), workers: Math.max(1, config.inboxWorkers) });
    return { runtime, close: () => vendor.close() };
  },
});
