import type { Registry } from 'prom-client';
import type { CallContext, VendorClient } from '../vendor/createVendorClient.js';
import type { SubgraphContext, SubgraphServer } from './createSubgraphServer.js';

/** What every subgraph factory returns: a server to mount and the vendor client it owns, if it calls one from requests. */
export interface SubgraphService {
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph has its own context type
  readonly server: SubgraphServer<SubgraphContext & any>;
  /** Absent for a subgraph whose vendor calls leave from workers only (notifications). */
  readonly vendor?: VendorClient;
  /** Its Prometheus registry, served at GET /metrics on its own port (the server's). */
  readonly metrics: Registry;
  /**
   * The per-request context exactly as the HTTP path builds it from `base` (request id, child
   * logger, viewer): fresh loaders, shared cache. For in-process tests (`executeAs`).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph has its own context type
  readonly createContext: (base: SubgraphContext & { readonly call?: CallContext }) => SubgraphContext & any;
  /** Stops Apollo and closes the vendor connection pool. */
  close(): Promise<void>;
}
