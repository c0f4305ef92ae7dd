import { createBatchLoader } from '../kit/loader/createBatchLoader.js';
import type { LoaderDeps } from '../kit/server/createVendorSubgraph.js';
import type { IdentityVendorClient } from './identiCoClient.js';

/** Made once per request; the cache behind it is shared. */
export function createUserLoader(identity: IdentityVendorClient, deps: LoaderDeps) {
  return createBatchLoader({
    name: 'accounts:user',
    fetchBatch: (ids: readonly string[]) => identity.usersByIds.call(ids, { requestId: deps.requestId }),
    keyOf: (user) => user.id,
    maxBatchSize: deps.maxBatchSize,
    batching: deps.batching,
    cache: { store: deps.cache, policy: deps.policy },
  });
}
