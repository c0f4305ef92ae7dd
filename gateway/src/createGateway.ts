import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { parse } from 'graphql';
import type { Registry } from 'prom-client';
import type { Logger } from '../../platform/log/createLogger.js';
import { createHttpHandler, type Admission, type HttpHandler } from '../../platform/http/createHttpHandler.js';
import { requestIdPlugin } from '../../platform/http/requestIdPlugin.js';
import { createMetricsRegistry } from '../../platform/metrics/createMetricsRegistry.js';
import { metricsRoute } from '../../platform/metrics/metricsRoute.js';
import { createBearerAuthenticator } from './auth/createBearerAuthenticator.js';
import { createGatewayIdentitySigner } from './auth/createGatewayIdentitySigner.js';
import { createTokenVerifier } from './auth/createTokenVerifier.js';
import { cacheControlPlugins } from './cacheControl/cacheControlPlugins.js';
import { createResponseCache } from './cacheControl/createResponseCache.js';
import { operationCaches, type OperationCacheStats } from './caches/operationCaches.js';
import type { GatewayConfig } from './config.js';
import { createContextFactory, type GatewayContext } from './context.js';
import { refuseMalformedBudget } from './deadline/requestBudget.js';
import { SubgraphDataSource } from './datasources/SubgraphDataSource.js';
import type { ExplorerExample } from './explorer/ExplorerExample.js';
import { explorerRoute } from './explorer/explorerRoute.js';
import { withSecurityHeaders } from './http/securityHeaders.js';
import { listSizes } from './limits/listSizes.js';
import { operationLimitsPlugin } from './limits/operationLimitsPlugin.js';
import { queryLimits } from './limits/queryLimits.js';
import { operationLabel } from './metrics/operationLabel.js';
import { createPersistedQueries } from './persistedQueries/createPersistedQueries.js';
import type { PersistedQueryManifest } from './persistedQueries/PersistedQueryManifest.js';
import { answerShapingPlugin } from './plugins/answerShaping.js';
import { accessLogPlugin } from './plugins/accessLog.js';
import { maskGatewayError } from './plugins/errorMasking.js';
import { introspectionPlugin } from './plugins/introspection.js';
import { metricsPlugin } from './plugins/metrics.js';
import { noStorePlugin } from './plugins/noStore.js';
import { operationResolutionPlugin } from './plugins/operationResolution.js';
import { telemetryOffPlugins } from './plugins/telemetryOff.js';
import { createAdmission } from './rateLimit/createAdmission.js';
import { createRateLimiter } from './rateLimit/createRateLimiter.js';
import { supergraphSubgraphs } from './supergraphSubgraphs.js';

export interface GatewayOptions {
  readonly config: GatewayConfig;
  /** The supergraph to serve (see `loadSupergraph`). */
  readonly supergraphSdl: string;
  readonly logger: Logger;
  /** The app builds' operations (see `loadPersistedQueryManifest`); required when PERSISTED_QUERIES=safelist. */
  readonly persistedQueryManifest?: PersistedQueryManifest;
  /** The explorer's ready-made operations (see `loadExplorerExamples`). Default none. */
  readonly examples?: readonly ExplorerExample[];
  /** Where the gateway's metrics go (main.ts's, with process metrics). Default: a registry of its own. */
  readonly metrics?: Registry;
  /**
   * Operation names that always get a metrics label of their own (the app builds'), besides
   * those of `persistedQueryManifest` and `examples`. Other names share a capped set, then `__other`.
   */
  readonly knownOperations?: Iterable<string>;
}

export interface Gateway {
  /** node:http listener: /graphql (and the explorer for browsers), /healthz, /readyz, /metrics outside production unless METRICS_PORT is set. */
  readonly handler: HttpHandler;
  /** The gateway's Prometheus metrics. */
  readonly metrics: Registry;
  /** Loads the supergraph and builds the query planner; ready when it resolves. */
  start(): Promise<void>;
  /** Readiness goes false now (for shutdown: before the HTTP server closes). Idempotent. */
  drain(): void;
  /** Drains, stops Apollo and closes the subgraph connection pools. Idempotent. */
  stop(): Promise<void>;
  /** Supergraph loaded and not draining. Drives `/readyz`. */
  isReady(): boolean;
  /** Entries, bytes and hits of the parsed-document and query-plan caches (DOCUMENT_CACHE_MIB, QUERY_PLAN_CACHE_MIB). */
  operationCaches(): OperationCacheStats;
}

/**
 * The gateway, without ports or environment: Apollo Gateway over a static supergraph,
 * one keep-alive data source per subgraph, errors masked to registry codes, the
 * request id in and out, access tokens verified and the caller's identity signed for
 * each subgraph, telemetry off. `main.ts` listens; tests call this directly.
 */
export function createGateway({ config, supergraphSdl, logger, persistedQueryManifest, examples = [], ...options }: GatewayOptions): Gateway {
  const metrics = options.metrics ?? createMetricsRegistry({ service: 'gateway', processMetrics: false });
  const operationLabels = operationLabel({
    known: [...(persistedQueryManifest?.operations ?? []).map((op) => op.name), ...examples.map((example) => example.name), ...(options.knownOperations ?? [])],
  });
  const known = supergraphSubgraphs(parse(supergraphSdl)) ?? [];
  const unknown = Object.keys(config.subgraphUrls).filter((name) => !known.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `SUBGRAPH_URLS names ${unknown.map((n) => `"${n}"`).join(', ')}, not in the supergraph (it has ${known.map((s) => `"${s.name}"`).join(', ')}).`,
    );
  }

  // Who the client is (its access token), and how the gateway vouches for it to subgraphs.
  const tokenVerifier = createTokenVerifier({
    issuer: config.authIssuer,
    audience: config.authAudience,
    jwksUrl: config.authJwksUrl,
    algorithms: config.authAlgorithms,
    clockToleranceS: config.authClockSkewS,
    jwksCooldownMs: config.authJwksCooldownMs,
    jwksUnknownKidFetchesPerMinute: config.authJwksUnknownKidFetchesPerMin,
    jwksMaxAgeMs: config.authJwksMaxAgeMs,
    jwksMaxStaleMs: config.authJwksMaxStaleMs,
    onStaleKeys: (err, ageMs) => logger.warn({ err, ageMs, jwksUrl: config.authJwksUrl }, 'issuer keys unavailable: using the last ones fetched'),
  });
  const identity = createGatewayIdentitySigner(config.identityPrivateKey, logger);

  // Bounded by the memory their entries keep, not by Apollo's JSON-size estimate (caches/operationCaches.ts).
  const caches = operationCaches({ documentCacheMiB: config.documentCacheMiB, queryPlanCacheMiB: config.queryPlanCacheMiB });
  const dataSources: SubgraphDataSource[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    // Catch a broken supergraph at start-up, in every environment, not at the first query.
    validateSupergraph: true,
    __exposeQueryPlanExperimental: false,
    queryPlannerConfig: { cache: caches.queryPlanCache },
    buildService({ name, url }) {
      const target = config.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`Subgraph "${name}" has no URL in the supergraph; set it with SUBGRAPH_URLS=${name}=http://…`);
      const source = new SubgraphDataSource({
        name,
        url: target,
        timeoutMs: config.subgraphTimeoutMs,
        breaker: { failureThreshold: config.subgraphBreakerFailures, windowMs: config.subgraphBreakerWindowMs, resetMs: config.subgraphBreakerResetMs },
        connections: config.subgraphConnections,
        dedupe: config.subgraphDedupe,
        logger: logger.child({ subgraph: name }),
        identity,
        metrics,
      });
      dataSources.push(source);
      return source;
    },
  });

  // Abusive queries: limits checked before anything runs, persisted queries, rate limits (gateway/README.md).
  const limits = queryLimits({
    maxDepth: config.limitMaxDepth,
    maxAliases: config.limitMaxAliases,
    maxDirectives: config.limitMaxDirectives,
    maxTokens: config.limitMaxTokens,
    blockFieldSuggestions: config.nodeEnv === 'production',
  });
  const persisted = createPersistedQueries({
    mode: config.persistedQueries,
    apqTtlS: config.apqTtlS,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    manifest: persistedQueryManifest,
    maxTokens: config.limitMaxTokens,
    logger,
    metrics: { registry: metrics, operationLabel: operationLabels },
  });
  const rateLimiter = createRateLimiter({
    perIp: config.rateLimitPerIp,
    perIpShared: config.rateLimitPerIpShared,
    perUser: config.rateLimitPerUser,
    windowS: config.rateLimitWindowS,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    logger,
  });

  // Whole public answers to anonymous queries (RESPONSE_CACHE; off by default).
  const responseCache = createResponseCache({ mode: config.responseCache, redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, logger, metrics });

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger,
    nodeEnv: config.nodeEnv,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: config.nodeEnv === 'production',
    formatError: maskGatewayError,
    // Apollo 5's defaults, on purpose: a GET or a text/plain POST needs a preflight header (CSRF).
    csrfPrevention: true,
    allowBatchedHttpRequests: config.maxBatchOperations > 0,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    documentStore: caches.documentStore,
    // Apollo's bounded LRU (30 MiB): holds automatic persisted queries unless Redis does.
    cache: 'bounded',
    persistedQueries: persisted.apollo,
    // main.ts owns the signals: it drains HTTP first, then stops Apollo.
    stopOnTerminationSignals: false,
    plugins: [
      requestIdPlugin<GatewayContext>(),
      accessLogPlugin(),
      operationResolutionPlugin(),
      ...telemetryOffPlugins(),
      // The explorer is served by `explorerRoute`, from the gateway itself; Apollo's landing page loads from a CDN.
      ApolloServerPluginLandingPageDisabled(),
      ...limits.plugins,
      operationLimitsPlugin<GatewayContext>({ maxCost: config.limitMaxCost, maxMutationFields: config.limitMaxMutationFields, listSizes }),
      introspectionPlugin<GatewayContext>(),
      answerShapingPlugin<GatewayContext>({ maxErrors: config.limitMaxErrors, logger }),
      // After answer shaping (errors as capped) and before the safelist (which drops a refused request's name).
      metricsPlugin({ registry: metrics, operationLabel: operationLabels }),
      ...persisted.plugins,
      noStorePlugin<GatewayContext>(),
      // The answer's Cache-Control from the subgraphs' (noStore's no-store stays); then the
      // response cache, which sees every refusal above first and writes only what is public.
      ...cacheControlPlugins<GatewayContext>(),
      ...responseCache.plugins,
    ],
  });

  let started = false;
  let draining = false;
  let stopping: Promise<void> | undefined;
  const isReady = () => started && !draining;

  const graphql = createHttpHandler<GatewayContext>({
    apollo,
    service: 'gateway',
    // The public's traceparent starts a new trace with a link to it, unless TRACE_CLIENT_CONTEXT=continue.
    traceContext: config.traceClientContext,
    logger,
    isReady,
    // On the public port only outside production; in production METRICS_PORT serves them (main.ts).
    routes: config.metricsPort === undefined && config.nodeEnv !== 'production' ? [metricsRoute(metrics)] : [],
    // Readiness and the rate limits before its 9 MB page, as before any GraphQL request.
    admittedRoutes: config.explorer ? [explorerRoute({ supergraphSdl, examples, nodeEnv: config.nodeEnv, logger })] : [],
    maxBodyBytes: config.maxBodyBytes,
    authenticate: createBearerAuthenticator({ verifier: tokenVerifier, logger }),
    admission: withBudgetCheck(createAdmission({ rateLimiter, trustProxyHops: config.trustProxyHops, maxBatchOperations: config.maxBatchOperations, metrics })),
    context: createContextFactory(logger, { requestBudgetMs: config.requestBudgetMs }),
  });
  const handler = withSecurityHeaders(graphql, config.nodeEnv);

  return {
    handler,
    metrics,
    isReady,
    operationCaches: caches.stats,
    async start() {
      // A signing key that cannot be imported stops the start, not every request after it.
      await identity?.ready();
      await rateLimiter.ready();
      await apollo.start();
      started = true;
    },
    drain() {
      draining = true;
    },
    stop() {
      draining = true;
      stopping ??= (async () => {
        try {
          if (started) await apollo.stop();
        } finally {
          await Promise.allSettled([...dataSources.map((source) => source.close()), persisted.close(), rateLimiter.close(), responseCache.close()]);
        }
      })();
      return stopping;
    },
  };
}

/** A malformed client budget is refused (400) once the request has been counted by the rate limits. */
function withBudgetCheck(admission: Admission): Admission {
  return {
    ...admission,
    async request(info) {
      await admission.request?.(info);
      refuseMalformedBudget(info.req);
    },
  };
}
