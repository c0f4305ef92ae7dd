import { batchLoaderCacheKey, createBatchLoader } from '../kit/loader/createBatchLoader.js';
import type { LoaderDeps } from '../kit/server/createVendorSubgraph.js';
import type { IdentityVendorClient } from './identityVendorClient.js';

const USER_LOADER = 'accounts:user';

/** The shared-cache key of one user (unknown ids are cached as `null` too). */
export function userCacheKey(userId: string): string {
  return batchLoaderCacheKey(USER_LOADER, userId);
}

/** Made once per request; the cache behind it is shared. */
export function createUserLoader(identity: IdentityVendorClient, deps: LoaderDeps) {
  return createBatchLoader({
    name: USER_LOADER,
    fetchBatch: (ids: readonly string[]) => identity.usersByIds.call(ids, deps.call),
    keyOf: (user) => user.id,
    maxBatchSize: deps.maxBatchSize,
    batching: deps.batching,
    cache: { store: deps.cache, policy: deps.policy },
  });
}
