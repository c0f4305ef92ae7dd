import type { VendorClient } from '../vendor/createVendorClient.js';
import type { SubgraphContext, SubgraphServer } from './createSubgraphServer.js';

/** What every subgraph factory returns: a server to mount and the vendor client it owns. */
export interface SubgraphService {
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph has its own context type
  readonly server: SubgraphServer<SubgraphContext & any>;
  readonly vendor: VendorClient;
  /** Stops Apollo and closes the vendor connection pool. */
  close(): Promise<void>;
}
