import type { CacheStore } from '../kit/cache/createCacheStore.js';
import type { Logger } from '../kit/log/createLogger.js';
import { createSubgraphServer } from '../kit/server/createSubgraphServer.js';
import { loadSchemaFile } from '../kit/server/loadSchemaFile.js';
import type { SubgraphService } from '../kit/server/SubgraphService.js';
import { createVendorClient } from '../kit/vendor/createVendorClient.js';
import { toVendorClientOptions } from '../kit/vendor/vendorSettings.js';
import { createCommerceClient } from './commerceClient.js';
import type { CatalogConfig } from './config.js';
import type { CatalogContext } from './context.js';
import { createProductLoader } from './loaders.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadSchemaFile(new URL('./schema.graphql', import.meta.url));

/** The catalog subgraph, ready to start and mount; opens no port (see main.ts). */
export function createCatalogSubgraph(deps: { config: CatalogConfig; logger: Logger; cache: CacheStore }): SubgraphService {
  const { config, logger, cache } = deps;
  const vendor = createVendorClient(
    toVendorClientOptions('commerce', config, logger, (key) => ({ kind: 'header', header: 'x-api-key', value: key })),
  );
  const commerce = createCommerceClient(vendor);
  const policy = { ttlMs: config.cacheTtlMs, maxStaleMs: config.cacheMaxStaleMs };

  const server = createSubgraphServer<CatalogContext>({
    name: 'catalog',
    typeDefs,
    resolvers,
    logger,
    introspection: config.introspection,
    createContext: ({ requestId, logger: requestLogger }) => ({
      requestId,
      logger: requestLogger,
      commerce,
      cache,
      listPolicy: policy,
      productById: createProductLoader({
        commerce,
        cache,
        policy,
        maxBatchSize: config.maxBatchSize,
        batching: config.batching,
        requestId,
      }),
    }),
  });

  return {
    name: 'catalog',
    server,
    vendor,
    async close() {
      await server.stop();
      await vendor.close();
    },
  };
}
