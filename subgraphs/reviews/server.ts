import type { CacheStore } from '../kit/cache/createCacheStore.js';
import type { Logger } from '../kit/log/createLogger.js';
import { createSubgraphServer } from '../kit/server/createSubgraphServer.js';
import { loadSchemaFile } from '../kit/server/loadSchemaFile.js';
import type { SubgraphService } from '../kit/server/SubgraphService.js';
import { createVendorClient } from '../kit/vendor/createVendorClient.js';
import { toVendorClientOptions } from '../kit/vendor/vendorSettings.js';
import type { ReviewsConfig } from './config.js';
import type { ReviewsContext } from './context.js';
import { createReviewsLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { createReviewsVendorClient } from './starPulseClient.js';

export const typeDefs = loadSchemaFile(new URL('./schema.graphql', import.meta.url));

/** The reviews subgraph, ready to start and mount; opens no port (see main.ts). */
export function createReviewsSubgraph(deps: { config: ReviewsConfig; logger: Logger; cache: CacheStore }): SubgraphService {
  const { config, logger, cache } = deps;
  const vendor = createVendorClient(toVendorClientOptions('reviews', config, logger, (token) => ({ kind: 'bearer', token })));
  const reviewsVendor = createReviewsVendorClient(vendor);
  const policy = { ttlMs: config.cacheTtlMs, maxStaleMs: config.cacheMaxStaleMs };

  const server = createSubgraphServer<ReviewsContext>({
    name: 'reviews',
    typeDefs,
    resolvers,
    logger,
    introspection: config.introspection,
    createContext: ({ requestId, logger: requestLogger }) => ({
      requestId,
      logger: requestLogger,
      loaders: createReviewsLoaders({
        vendor: reviewsVendor,
        cache,
        policy,
        maxBatchSize: config.maxBatchSize,
        batching: config.batching,
        requestId,
      }),
    }),
  });

  return {
    name: 'reviews',
    server,
    vendor,
    async close() {
      await server.stop();
      await vendor.close();
    },
  };
}
