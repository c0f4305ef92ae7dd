import type { EventPublisher } from '../../platform/events/createEventPublisher.js';
import type { CacheStore } from '../../platform/store/CacheStore.js';
import type { VendorSubgraphContext } from '../kit/server/createVendorSubgraph.js';
import type { ReviewsLoaders } from './loaders.js';
import type { ReviewsVendorClient } from './reviewsVendorClient.js';

export interface ReviewsContext extends VendorSubgraphContext {
  readonly loaders: ReviewsLoaders;
  /** For writes (reads go through the loaders). */
  readonly reviewsApi: ReviewsVendorClient;
  /** The shared cache, so a write can invalidate what it made stale. */
  readonly cache: CacheStore;
  /** Tells other services (notifications) what happened, in the background. */
  readonly events: EventPublisher;
}
