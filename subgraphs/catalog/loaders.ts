import type { CacheStore } from '../kit/cache/createCacheStore.js';
import { createBatchLoader } from '../kit/loader/createBatchLoader.js';
import type { CachePolicy } from '../kit/vendor/VendorClientOptions.js';
import type { CommerceClient } from './commerceClient.js';
import { toProduct } from './toProduct.js';

export interface CatalogLoaderOptions {
  readonly commerce: CommerceClient;
  readonly cache: CacheStore;
  readonly policy: CachePolicy;
  readonly maxBatchSize: number;
  readonly batching: boolean;
  readonly requestId: string;
}

/** Made once per request (never shared), so one user's batch never waits on another's. */
export function createProductLoader(options: CatalogLoaderOptions) {
  return createBatchLoader({
    name: 'catalog:product',
    fetchBatch: async (ids: readonly string[]) => {
      const rows = await options.commerce.productsByIds.call(ids, { requestId: options.requestId });
      return rows.map(toProduct);
    },
    keyOf: (product) => product.id,
    maxBatchSize: options.maxBatchSize,
    batching: options.batching,
    cache: { store: options.cache, policy: options.policy },
  });
}
