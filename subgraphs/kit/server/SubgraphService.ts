import type { VendorClient } from '../vendor/createVendorClient.js';
import type { SubgraphContext, SubgraphServer } from './createSubgraphServer.js';
import type { RequestScoped } from './requestIdPlugin.js';

/** What a request's context is made from (the HTTP handler supplies it per request): request id, child logger, viewer. */
export type RequestContextBase = RequestScoped;

/** What every subgraph factory returns: a server to mount and the vendor client it owns. */
export interface SubgraphService {
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph has its own context type
  readonly server: SubgraphServer<SubgraphContext & any>;
  readonly vendor: VendorClient;
  /**
   * The per-request context exactly as the HTTP path builds it (fresh loaders, shared cache),
   * for in-process tests: `server.apollo.executeOperation(op, { contextValue: createContext(…) })`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph has its own context type
  readonly createContext: (base: RequestContextBase) => SubgraphContext & any;
  /** Stops Apollo and closes the vendor connection pool. */
  close(): Promise<void>;
}
