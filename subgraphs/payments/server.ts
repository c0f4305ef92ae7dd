import { subgraphEntry } from '../../platform/registry/services.js';
import { createVendorClient } from '../kit/vendor/createVendorClient.js';
import { createVendorSubgraph } from '../kit/server/createVendorSubgraph.js';
import { loadSchemaFile } from '../kit/server/loadSchemaFile.js';
import type { SubgraphDeps } from '../kit/server/SubgraphModule.js';
import { subgraphMetrics } from '../kit/server/subgraphMetrics.js';
import type { SubgraphService } from '../kit/server/SubgraphService.js';
import { toVendorClientOptions } from '../kit/vendor/vendorSettings.js';
import type { PaymentsConfig } from './config.js';
import type { PaymentsContext } from './context.js';
import { createPaymentsRuntime } from './createPaymentsRuntime.js';
import { createPaylaneClient, type PaylaneClient } from './paylaneClient.js';
import { paymentsPermissions } from './permissions.js';
import { createPricesClient } from './pricesClient.js';
import { resolvers } from './resolvers/index.js';
import { createWebhookVerifier } from '../../platform/events/verifyWebhook.js';
import { createWebhookRoute } from './webhooks/createWebhookRoute.js';

export const typeDefs = loadSchemaFile(new URL('./schema.graphql', import.meta.url));

/** Where the payment vendor delivers its webhooks (the registry says, so npm start and the harness agree). */
export const WEBHOOK_PATH = subgraphEntry('payments').webhookPath ?? '/webhooks/payments';

/**
 * The payments subgraph: checkout over the payment vendor, prices from the commerce
 * platform, orders and the webhook inbox in its own database, and the inbox workers.
 * Opens no port (see main.ts); the database opens when the server starts.
 */
export function createPaymentsSubgraph(deps: SubgraphDeps<PaymentsConfig>): SubgraphService {
  const { config, logger } = deps;
  // Both vendor clients count in one registry: the one createVendorSubgraph serves at /metrics.
  const metrics = subgraphMetrics('payments', deps.metrics);
  // Prices come from a second vendor, read-only, with the same protections as the first.
  const commerce = createVendorClient(
    toVendorClientOptions(
      'commerce',
      { ...config, vendorUrl: config.commerceUrl, vendorKey: config.commerceKey },
      logger,
      (key) => ({ kind: 'header', header: 'x-api-key', value: key }),
      metrics,
    ),
  );
  const prices = createPricesClient(commerce);
  let paylane: PaylaneClient | undefined;
  const api = (vendor: Parameters<typeof createPaylaneClient>[0]) => (paylane ??= createPaylaneClient(vendor));
  // The runtime needs the vendor client that createVendorSubgraph builds: bound when it calls `api`.
  const runtime = createPaymentsRuntime({
    config,
    logger,
    get paylane() {
      if (paylane === undefined) throw new Error('payments vendor client not built yet');
      return paylane;
    },
  });
  const verify = createWebhookVerifier(config.webhookSecrets);

  const service = createVendorSubgraph<PaylaneClient, PaymentsContext>({
    ...deps,
    metrics,
    name: 'payments',
    vendor: 'payments',
    typeDefs,
    resolvers,
    permissions: paymentsPermissions,
    auth: (token) => ({ kind: 'bearer', token }),
    api,
    context: (client, { call }) => ({
      checkout: () => ({ store: runtime.store(), paylane: client, prices, call, logger }),
    }),
    routes: (isReady) => [
      createWebhookRoute({ path: WEBHOOK_PATH, maxBodyBytes: config.webhookMaxBodyBytes, verify, record: () => runtime.recorder(), isReady, logger }),
    ],
    lifecycle: runtime,
  });
  return {
    ...service,
    async close() {
      await service.close();
      await commerce.close();
    },
  };
}
