import { VendorItemError } from '../kit/errors/VendorItemError.js';
import { createBatchLoader } from '../kit/loader/createBatchLoader.js';
import type { LoaderDeps } from '../kit/server/createVendorSubgraph.js';
import type { CommerceClient } from './commerceClient.js';
import { toProduct } from './toProduct.js';

/** Made once per request (never shared), so one user's batch never waits on another's. */
export function createProductLoader(commerce: CommerceClient, deps: LoaderDeps) {
  return createBatchLoader({
    name: 'catalog:product',
    fetchBatch: async (ids: readonly string[]) => {
      const rows = await commerce.productsByIds.call(ids, deps.call);
      // A product that failed its checks stays an error for its id: null + VENDOR_BAD_RESPONSE.
      return rows.map((row) => (row instanceof VendorItemError ? row : toProduct(row)));
    },
    keyOf: (product) => product.id,
    maxBatchSize: deps.maxBatchSize,
    batching: deps.batching,
    cache: { store: deps.cache, policy: deps.policy },
  });
}
