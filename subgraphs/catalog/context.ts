import type DataLoader from 'dataloader';
import type { CacheStore } from '../../platform/store/createCacheStore.js';
import type { CachePolicy } from '../kit/vendor/VendorClientOptions.js';
import type { VendorSubgraphContext } from '../kit/server/createVendorSubgraph.js';
import type { CommerceClient } from './commerceClient.js';
import type { Product } from './toProduct.js';

export interface CatalogContext extends VendorSubgraphContext {
  readonly commerce: CommerceClient;
  readonly cache: CacheStore;
  readonly listPolicy: CachePolicy;
  /** Per request: batches and dedupes product lookups into the vendor's batch endpoint. */
  readonly productById: DataLoader<string, Product | null>;
}
