import type { Registry } from 'prom-client';
import type { IncomingMessage } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode } from 'graphql';
import { applyPermissions } from '../auth/applyPermissions.js';
import type { Permissions } from '../auth/createPermissions.js';
import { createIdentityVerifier } from '../../../platform/identity/createIdentityVerifier.js';
import { gatewayIdentityAuthenticator } from '../../../platform/identity/gatewayIdentityAuthenticator.js';
import type { NodeEnv } from '../../../platform/config/serviceSettings.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import { createHttpHandler, type ExtraRoute, type HttpHandler } from '../../../platform/http/createHttpHandler.js';
import { metricsRoute } from '../../../platform/metrics/metricsRoute.js';
import type { ByteBudgetCacheStats } from '../../../platform/store/ByteBudgetCache.js';
import { documentStore } from '../../../platform/store/documentStore.js';
import { cacheControlPlugins } from './cacheControlPlugins.js';
import { formatError } from './formatError.js';
import { describeVendorError } from '../errors/describeVendorError.js';
import { requestIdPlugin, type RequestScoped } from '../../../platform/http/requestIdPlugin.js';
import type { CallContext } from '../vendor/VendorClient.js';
import { refuseIfExpired, requestBudget } from './requestBudget.js';
import { subgraphMetrics } from './subgraphMetrics.js';

export type SubgraphContext = RequestScoped;

export interface SubgraphServerOptions<TContext extends SubgraphContext> {
  /** Subgraph name, as in the composition config. */
  readonly name: string;
  readonly typeDefs: DocumentNode;
  readonly resolvers: GraphQLResolverMap<TContext>;
  readonly logger: Logger;
  /**
   * Builds the per-request context: this is where per-request DataLoaders are made. `call`
   * is what every vendor call of this request passes (request id, the gateway's deadline,
   * and a signal that fires when the gateway stops waiting).
   */
  readonly createContext: (base: SubgraphContext & { readonly req: IncomingMessage; readonly call: CallContext }) => TContext | Promise<TContext>;
  /** Schema introspection for tools; the gateway itself only needs `_service`. Default true. */
  readonly introspection?: boolean;
  /** Passed to Apollo so that it never reads NODE_ENV itself (production: no landing page). Default 'development'. */
  readonly nodeEnv?: NodeEnv;
  readonly maxBodyBytes?: number;
  /** MiB of parsed documents Apollo keeps (`<PREFIX>_DOCUMENT_CACHE_MIB`); 0 = none kept. Default 8. */
  readonly documentCacheMiB?: number;
  readonly plugins?: readonly ApolloServerPlugin<TContext>[];
  /**
   * The gateway's public JWKS (`GATEWAY_IDENTITY_JWKS`). Set: every GraphQL request must
   * carry a valid `x-gateway-identity` for this subgraph (`name` is the audience), else 401.
   * Unset (development only; config refuses it in production): requests without one are
   * anonymous, requests with one are refused (it cannot be verified).
   */
  readonly identityJwks?: string;
  /**
   * The subgraph's graphql-shield (`createPermissions`), applied to the built schema. Every
   * real subgraph has one (`createVendorSubgraph` requires it); without it nothing is guarded.
   */
  readonly permissions?: Permissions;
  /** HTTP routes outside GraphQL (a vendor's webhooks): no gateway identity, each route checks its caller itself. */
  readonly routes?: readonly ExtraRoute[];
  /**
   * The registry served at GET /metrics on this subgraph's port (subgraphs are internal:
   * only the gateway and the scraper reach them). Default: one of its own (`subgraphMetrics`).
   */
  readonly metrics?: Registry;
  /**
   * What the subgraph owns besides Apollo (a database, workers): started before it reports
   * ready, stopped after Apollo. A start that fails leaves nothing running.
   */
  readonly lifecycle?: SubgraphLifecycle;
}

export interface SubgraphLifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SubgraphServer<TContext extends SubgraphContext> {
  readonly name: string;
  readonly apollo: ApolloServer<TContext>;
  readonly handler: HttpHandler;
  /** What GET /metrics serves. */
  readonly metrics: Registry;
  /** What Apollo's document store holds and has done (its budget is `documentCacheMiB`). */
  documentStore(): ByteBudgetCacheStats;
  start(): Promise<void>;
  /** Marks the subgraph not ready (readiness fails) and stops Apollo. */
  stop(): Promise<void>;
  /** Readiness goes false now (shutdown: before the HTTP server drains); requests already running finish. */
  drain(): void;
  isReady(): boolean;
}

/**
 * The bootstrap every subgraph shares: federation schema, per-request context with a
 * request id and a child logger, masked errors, health endpoints and /metrics. Pure: no ports.
 */
export function createSubgraphServer<TContext extends SubgraphContext>(options: SubgraphServerOptions<TContext>): SubgraphServer<TContext> {
  // Apollo's default store holds 30 MiB of JSON, ~150 MB of heap: bounded by what documents keep instead.
  const documents = documentStore({ maxMiB: options.documentCacheMiB ?? 8 });
  const apollo = new ApolloServer<TContext>({
    schema: applyPermissions(
      buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers as GraphQLResolverMap<unknown> }),
      options.permissions,
    ),
    introspection: options.introspection ?? true,
    nodeEnv: options.nodeEnv ?? 'development',
    includeStacktraceInErrorResponses: false,
    documentStore: documents.store,
    formatError,
    plugins: [requestIdPlugin<TContext>(describeVendorError), ...cacheControlPlugins<TContext>(), ...(options.plugins ?? [])],
    logger: options.logger,
    // serveSubgraph owns the signals: it drains HTTP first, then stops Apollo. Apollo's own
    // handler would stop it under in-flight requests and make the kit see a second signal.
    stopOnTerminationSignals: false,
  });
  let ready = false;
  const metrics = subgraphMetrics(options.name, options.metrics);
  const verifier = options.identityJwks === undefined ? undefined : createIdentityVerifier({ jwks: options.identityJwks, audience: options.name });
  const handler = createHttpHandler<TContext>({
    apollo,
    service: options.name,
    logger: options.logger,
    maxBodyBytes: options.maxBodyBytes,
    isReady: () => ready,
    // Like health, /metrics is answered before identity and admission: the scraper has no gateway identity.
    routes: [metricsRoute(metrics), ...(options.routes ?? [])],
    authenticate: gatewayIdentityAuthenticator({ verifier, logger: options.logger }),
    // A request whose budget is already spent is not run (checked before the identity is verified and again before Apollo).
    admission: {
      request: async ({ req, receivedAt }) => refuseIfExpired(req, receivedAt),
      operations: async ({ req, receivedAt }) => refuseIfExpired(req, receivedAt),
    },
    context: async ({ req, requestId, viewer, receivedAt, signal }) => {
      const logger = options.logger.child({ requestId });
      const budget = requestBudget(req, receivedAt);
      const call: CallContext = { requestId, signal, ...(budget ? { deadlineAt: budget.workDeadlineAt } : {}) };
      return options.createContext({ requestId, logger, viewer, req, call });
    },
  });
  return {
    name: options.name,
    apollo,
    handler,
    metrics,
    documentStore: documents.stats,
    async start() {
      await options.lifecycle?.start();
      try {
        await apollo.start();
      } catch (err) {
        await options.lifecycle?.stop();
        throw err;
      }
      ready = true;
    },
    drain() {
      ready = false;
    },
    async stop() {
      ready = false;
      try {
        await apollo.stop();
      } finally {
        // A failed Apollo stop must not leave the database, job queue and workers running.
        await options.lifecycle?.stop();
      }
    },
    isReady: () => ready,
  };
}
