import type DataLoader from 'dataloader';
import type { CacheStore } from '../../platform/store/createCacheStore.js';
import type { CachePolicy } from '../kit/vendor/VendorClientOptions.js';
import type { SubgraphContext } from '../kit/server/createSubgraphServer.js';
import type { CommerceClient } from './commerceClient.js';
import type { Product } from './toProduct.js';

export interface CatalogContext extends SubgraphContext {
  readonly commerce: CommerceClient;
  readonly cache: CacheStore;
  readonly listPolicy: CachePolicy;
  /** Per request: batches and dedupes product lookups into the vendor's batch endpoint. */
  readonly productById: DataLoader<string, Product | null>;
}
