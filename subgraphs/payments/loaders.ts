import type DataLoader from 'dataloader';
import { createBatchLoader } from '../kit/loader/createBatchLoader.js';
import type { LoaderDeps } from '../kit/server/createVendorSubgraph.js';
import type { PaymentsVendorClient } from './paymentsVendorClient.js';
import type { Payments } from './model.js';

export interface PaymentsLoaders {
  /** One loader per distinct `locale`, because the vendor takes one locale per batch call. */
  byProduct(locale: string): DataLoader<string, Payments | null>;
}

/** Made once per request (never shared), over the shared cache. */
export function createPaymentsLoaders(vendor: PaymentsVendorClient, deps: LoaderDeps): PaymentsLoaders {
  const { cache, policy, maxBatchSize, batching, call } = deps;
  const byLocale = new Map<string, DataLoader<string, Payments | null>>();
  return {
    byProduct(locale) {
      let loader = byLocale.get(locale);
      if (loader === undefined) {
        loader = createBatchLoader({
          name: `payments:byProduct:${locale}`,
          fetchBatch: (ids: readonly string[]) => vendor.recordsByProduct.call({ productIds: ids, locale }, call),
          keyOf: (record) => record.productId,
          maxBatchSize,
          batching,
          cache: { store: cache, policy },
        });
        byLocale.set(locale, loader);
      }
      return loader;
    },
  };
}
