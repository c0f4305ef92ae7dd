import type { CacheStore } from '../kit/cache/createCacheStore.js';
import type { Logger } from '../kit/log/createLogger.js';
import { createSubgraphServer } from '../kit/server/createSubgraphServer.js';
import { loadSchemaFile } from '../kit/server/loadSchemaFile.js';
import type { SubgraphService } from '../kit/server/SubgraphService.js';
import { createVendorClient } from '../kit/vendor/createVendorClient.js';
import { toVendorClientOptions } from '../kit/vendor/vendorSettings.js';
import type { AccountsConfig } from './config.js';
import type { AccountsContext } from './context.js';
import { createIdentityVendorClient } from './identiCoClient.js';
import { createUserLoader } from './loaders.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadSchemaFile(new URL('./schema.graphql', import.meta.url));

/** The accounts subgraph, ready to start and mount; opens no port (see main.ts). */
export function createAccountsSubgraph(deps: { config: AccountsConfig; logger: Logger; cache: CacheStore }): SubgraphService {
  const { config, logger, cache } = deps;
  const vendor = createVendorClient(toVendorClientOptions('identity', config, logger, (token) => ({ kind: 'bearer', token })));
  const identity = createIdentityVendorClient(vendor);
  const policy = { ttlMs: config.cacheTtlMs, maxStaleMs: config.cacheMaxStaleMs };

  const server = createSubgraphServer<AccountsContext>({
    name: 'accounts',
    typeDefs,
    resolvers,
    logger,
    introspection: config.introspection,
    createContext: ({ requestId, logger: requestLogger }) => ({
      requestId,
      logger: requestLogger,
      userById: createUserLoader({
        vendor: identity,
        cache,
        policy,
        maxBatchSize: config.maxBatchSize,
        batching: config.batching,
        requestId,
      }),
    }),
  });

  return {
    name: 'accounts',
    server,
    vendor,
    async close() {
      await server.stop();
      await vendor.close();
    },
  };
}
