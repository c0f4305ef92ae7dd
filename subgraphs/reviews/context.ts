import type { SubgraphContext } from '../kit/server/createSubgraphServer.js';
import type { ReviewsLoaders } from './loaders.js';

export interface ReviewsContext extends SubgraphContext {
  readonly loaders: ReviewsLoaders;
}
