import { defineSubgraph } from '../kit/server/SubgraphModule.js';
import { reviewsSettings, parseReviewsConfig } from './config.js';
import { createReviewsSubgraph } from './server.js';

/** How the registry's tools (npm start, the test harness, docs) run and document this subgraph. */
export const subgraph = defineSubgraph({
  name: 'reviews',
  settings: reviewsSettings,
  parseConfig: parseReviewsConfig,
  create: createReviewsSubgraph,
});
