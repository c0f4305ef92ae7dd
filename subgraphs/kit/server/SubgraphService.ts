import type { Viewer } from '../auth/Viewer.js';
import type { Logger } from '../log/createLogger.js';
import type { VendorClient } from '../vendor/createVendorClient.js';
import type { SubgraphContext, SubgraphServer } from './createSubgraphServer.js';

/** What a request's context is made from (the HTTP handler supplies it per request). */
export interface RequestContextBase {
  readonly requestId: string;
  readonly logger: Logger;
  /** The verified caller; null when anonymous. */
  readonly viewer: Viewer | null;
}

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
