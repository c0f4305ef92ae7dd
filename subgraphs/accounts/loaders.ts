import type { CacheStore } from '../kit/cache/createCacheStore.js';
import { createBatchLoader } from '../kit/loader/createBatchLoader.js';
import type { CachePolicy } from '../kit/vendor/VendorClientOptions.js';
import type { IdentityVendorClient } from './identiCoClient.js';

/** Made once per request; the cache behind it is shared. */
export function createUserLoader(options: {
  vendor: IdentityVendorClient;
  cache: CacheStore;
  policy: CachePolicy;
  maxBatchSize: number;
  batching: boolean;
  requestId: string;
}) {
  return createBatchLoader({
    name: 'accounts:user',
    fetchBatch: (ids: readonly string[]) => options.vendor.usersByIds.call(ids, { requestId: options.requestId }),
    keyOf: (user) => user.id,
    maxBatchSize: options.maxBatchSize,
    batching: options.batching,
    cache: { store: options.cache, policy: options.policy },
  });
}
