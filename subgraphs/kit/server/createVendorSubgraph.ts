import type { Registry } from 'prom-client';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode } from 'graphql';
import type { Permissions } from '../auth/createPermissions.js';
import type { CacheStore } from '../../../platform/store/CacheStore.js';
import { createCacheMetrics } from '../cache/cacheMetrics.js';
import { MeteredCacheStore } from '../cache/MeteredCacheStore.js';
import type { NodeEnv } from '../../../platform/config/serviceSettings.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import { createVendorClient } from '../vendor/createVendorClient.js';
import type { CallContext, VendorClient } from '../vendor/VendorClient.js';
import type { CachePolicy, VendorAuth } from '../vendor/VendorClientOptions.js';
import { toCachePolicy, toVendorClientOptions, type VendorConfig } from '../vendor/vendorSettings.js';
import type { ExtraRoute } from '../../../platform/http/createHttpHandler.js';
import { createSubgraphServer, type SubgraphContext, type SubgraphLifecycle } from './createSubgraphServer.js';
import type { SubgraphService } from './SubgraphService.js';
import { subgraphMetrics } from './subgraphMetrics.js';

/** What a subgraph's per-request loaders need besides its vendor API. */
export interface LoaderDeps {
  readonly cache: CacheStore;
  readonly policy: CachePolicy;
  readonly maxBatchSize: number;
  readonly batching: boolean;
  readonly requestId: string;
  /** What every vendor call of this request passes: request id, deadline, cancel signal. */
  readonly call: CallContext;
}

/** The context every vendor subgraph's resolvers get: pass `ctx.call` to every vendor call. */
export interface VendorSubgraphContext extends SubgraphContext {
  readonly call: CallContext;
}

export interface VendorSubgraphOptions<TApi, TContext extends VendorSubgraphContext> {
  /** Subgraph name, as in the composition config. */
  readonly name: string;
  /** Internal vendor name, for logs only. */
  readonly vendor: string;
  readonly typeDefs: DocumentNode;
  readonly resolvers: GraphQLResolverMap<TContext>;
  /** The subgraph's `createPermissions(...)`, mirroring its schema. Required: no vendor subgraph runs unguarded. */
  readonly permissions: Permissions;
  /** `identityJwks`: the gateway's public keys (from `serviceSettings`); see `createSubgraphServer`. */
  readonly config: VendorConfig & {
    readonly introspection: boolean;
    readonly nodeEnv: NodeEnv;
    readonly identityJwks?: string | undefined;
    readonly documentCacheMiB: number;
  };
  readonly logger: Logger;
  /** Shared across requests (and replicas, with Redis); made by main.ts or the test harness. */
  readonly cache: CacheStore;
  /** Where its vendor calls and cache lookups are counted (`SubgraphDeps.metrics`). Default: a registry of its own. */
  readonly metrics?: Registry | undefined;
  /** How this vendor wants its key presented. */
  readonly auth: (key: string) => VendorAuth;
  /** The vendor's API as named kit operations, built once. */
  readonly api: (vendor: VendorClient) => TApi;
  /** The per-request part of the context: make the DataLoaders here, never outside. */
  readonly context: (api: TApi, deps: LoaderDeps) => Omit<TContext, keyof VendorSubgraphContext>;
  /** HTTP routes outside GraphQL (the vendor's webhooks); `isReady` is the subgraph's readiness. */
  readonly routes?: (isReady: () => boolean) => readonly ExtraRoute[];
  /** What it owns besides Apollo (a database, workers): see `SubgraphServerOptions.lifecycle`. */
  readonly lifecycle?: SubgraphLifecycle;
}

/**
 * Everything a subgraph that wraps one vendor shares: the kit's vendor client (pool,
 * breakers, retries, deadline) built once from config, per-request loaders over the
 * shared cache, and the subgraph server. A new vendor subgraph supplies its schema,
 * resolvers, vendor API and loaders; nothing else. Opens no port.
 */
export function createVendorSubgraph<TApi, TContext extends VendorSubgraphContext>(
  options: VendorSubgraphOptions<TApi, TContext>,
): SubgraphService {
  const { config, logger } = options;
  const metrics = subgraphMetrics(options.name, options.metrics);
  const vendor = createVendorClient(toVendorClientOptions(options.vendor, config, logger, options.auth, metrics));
  const api = options.api(vendor);
  const policy = toCachePolicy(config);
  // The loaders get the store carrying the cache metrics, so every subgraph's loaders are
  // counted without passing anything but the store they already pass (see MeteredCacheStore).
  const cache = new MeteredCacheStore(options.cache, createCacheMetrics(metrics));
  // In-process callers (executeAs) pass no `call`: then only each vendor call's own deadline applies.
  const createContext = ({ requestId, logger: requestLogger, viewer, call = { requestId } }: SubgraphContext & { readonly call?: CallContext }): TContext =>
    ({
      requestId,
      logger: requestLogger,
      viewer,
      call,
      ...options.context(api, { cache, policy, maxBatchSize: config.maxBatchSize, batching: config.batching, requestId, call }),
    }) as TContext;

  // The routes ask the server's readiness, and the server is made with the routes: bound late.
  let isReady = (): boolean => false;
  const server = createSubgraphServer<TContext>({
    name: options.name,
    typeDefs: options.typeDefs,
    resolvers: options.resolvers,
    permissions: options.permissions,
    logger,
    introspection: config.introspection,
    nodeEnv: config.nodeEnv,
    identityJwks: config.identityJwks,
    documentCacheMiB: config.documentCacheMiB,
    createContext,
    routes: options.routes?.(() => isReady()),
    lifecycle: options.lifecycle,
    metrics,
  });
  isReady = () => server.isReady();

  return {
    name: options.name,
    server,
    vendor,
    metrics,
    createContext,
    async close() {
      await server.stop();
      await vendor.close();
    },
  };
}
