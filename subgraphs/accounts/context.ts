import type DataLoader from 'dataloader';
import type { CacheStore } from '../../platform/store/CacheStore.js';
import type { VendorSubgraphContext } from '../kit/server/createVendorSubgraph.js';
import type { IdentityVendorClient } from './identityVendorClient.js';
import type { UserProfile } from './model.js';

export interface AccountsContext extends VendorSubgraphContext {
  readonly userById: DataLoader<string, UserProfile | null>;
  /** For sign-up and the token endpoint (lookups go through `userById`). */
  readonly identity: IdentityVendorClient;
  /** The shared cache, so that a new account's cached "no such user" is dropped. */
  readonly cache: CacheStore;
}
