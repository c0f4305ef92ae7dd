import { createEventPublisher } from '../../platform/events/createEventPublisher.js';
import { createEventSender } from '../../platform/events/createEventSender.js';
import { createVendorSubgraph } from '../kit/server/createVendorSubgraph.js';
import { loadSchemaFile } from '../kit/server/loadSchemaFile.js';
import type { SubgraphDeps } from '../kit/server/SubgraphModule.js';
import type { SubgraphService } from '../kit/server/SubgraphService.js';
import type { ReviewsConfig } from './config.js';
import type { ReviewsContext } from './context.js';
import { createReviewsLoaders } from './loaders.js';
import { reviewsPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';
import { createReviewsVendorClient, type ReviewsVendorClient } from './reviewsVendorClient.js';

export const typeDefs = loadSchemaFile(new URL('./schema.graphql', import.meta.url));

/** The reviews subgraph over the reviews vendor; opens no port (see main.ts). */
export function createReviewsSubgraph(deps: SubgraphDeps<ReviewsConfig>): SubgraphService {
  const { config, logger } = deps;
  const events = createEventPublisher({
    sender: createEventSender({ url: config.eventsUrl, secret: config.eventsSecret, timeoutMs: config.eventsTimeoutMs, logger }),
    logger,
  });
  const service = createVendorSubgraph<ReviewsVendorClient, ReviewsContext>({
    ...deps,
    name: 'reviews',
    vendor: 'reviews',
    typeDefs,
    resolvers,
    permissions: reviewsPermissions,
    auth: (token) => ({ kind: 'bearer', token }),
    api: createReviewsVendorClient,
    context: (reviewsVendor, loaderDeps) => ({
      loaders: createReviewsLoaders(reviewsVendor, loaderDeps),
      reviewsApi: reviewsVendor,
      cache: loaderDeps.cache,
      events,
    }),
  });
  return {
    ...service,
    async close() {
      try {
        await service.close();
      } finally {
        await events.close();
      }
    },
  };
}
