import { gatewayEntry } from '../../platform/registry/services.js';
import { ConfigError } from '../../platform/config/ConfigError.js';
import { parseConfig } from '../../platform/config/parseConfig.js';
import { nodeEnvs } from '../../platform/config/serviceSettings.js';
import { bool, int, oneOf, optionalUrl, string, type Env, type ParseResult, type Setting } from '../../platform/config/setting.js';
import { defaultSubgraphBreaker } from './datasources/SubgraphBreaker.js';
import { logLevels, type LogLevel } from '../../platform/log/createLogger.js';
import { authSettings, resolveAuthConfig, type AuthConfig } from './auth/authSettings.js';
import { isHttpUrl } from './isHttpUrl.js';
import { operationCacheSettings } from './caches/operationCacheSettings.js';
import { limitSettings } from './limits/limitSettings.js';
import { rateLimitSettings, SHARED_CEILING_FACTOR } from './rateLimit/rateLimitSettings.js';
import { persistedQueryModes, type PersistedQueryMode } from './persistedQueries/createPersistedQueries.js';
import { responseCacheModes, type ResponseCacheMode } from './cacheControl/createResponseCache.js';
import { metricsPortSetting } from '../../platform/metrics/metricsPortSetting.js';
import { traceContextModes, type TraceContextMode } from '../../platform/tracing/serverRequestTracer.js';

export type NodeEnv = (typeof nodeEnvs)[number];

// A subgraph name as it appears in the supergraph's `join__Graph` (and in docker-compose service names).
const SUBGRAPH_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * `name=url,name=url`: where each subgraph really is, when that differs from the URL
 * composed into the supergraph (containers, tests on port 0). Unset = the supergraph's URLs.
 */
function subgraphUrlMap(env: string, opts: { description: string }): Setting<Readonly<Record<string, string>>> {
  const expected = 'comma-separated name=url pairs, e.g. catalog=http://catalog:4001/graphql';
  return {
    env,
    description: opts.description,
    defaultText: '(the URLs in the supergraph)',
    secret: false,
    parse(raw): ParseResult<Readonly<Record<string, string>>> {
      const map: Record<string, string> = {};
      if (raw === undefined || raw.trim() === '') return { ok: true, value: Object.freeze(map) };
      for (const entry of raw.split(',').map((e) => e.trim())) {
        if (entry === '') continue;
        const eq = entry.indexOf('=');
        if (eq < 0) return { ok: false, expected: `${expected} ("${entry}" has no "=")` };
        const name = entry.slice(0, eq).trim();
        const value = entry.slice(eq + 1).trim();
        if (!SUBGRAPH_NAME.test(name)) return { ok: false, expected: `${expected} ("${name}" is not a subgraph name: letters, digits, _ and -)` };
        if (Object.prototype.hasOwnProperty.call(map, name)) return { ok: false, expected: `${expected} ("${name}" appears twice)` };
        if (!isHttpUrl(value)) return { ok: false, expected: `${expected} (the URL of "${name}" is not an absolute http(s) URL)` };
        map[name] = value;
      }
      return { ok: true, value: Object.freeze(map) };
    },
  };
}

/** A boolean whose default depends on another setting: unset stays `undefined`. */
function optionalBool(env: string, opts: { description: string; defaultText: string }): Setting<boolean | undefined> {
  const inner = bool(env, { description: opts.description, default: false });
  return {
    env,
    description: opts.description,
    defaultText: opts.defaultText,
    secret: false,
    parse: (raw) => (raw === undefined || raw.trim() === '' ? { ok: true, value: undefined } : inner.parse(raw)),
  };
}

/** Every gateway setting, with its variable, default and unit. The README table follows this list. */
export const gatewaySettings = {
  host: string('GATEWAY_HOST', {
    default: '127.0.0.1',
    pattern: /^[A-Za-z0-9.:-]+$/,
    patternText: 'a host name or IP address, e.g. 127.0.0.1 or 0.0.0.0',
    description: 'Interface to listen on (0.0.0.0 in containers).',
  }),
  port: int(gatewayEntry.portEnv, { default: gatewayEntry.port, min: 0, max: 65535, description: 'Port to listen on (0 = any free port).' }),
  supergraphPath: string('SUPERGRAPH_PATH', {
    default: 'schema/supergraph.graphql',
    description: 'Supergraph SDL file to serve, relative to the working directory (made by `npm run compose`).',
  }),
  subgraphUrls: subgraphUrlMap('SUBGRAPH_URLS', {
    description: 'Overrides of subgraph URLs, `name=url,name=url`; subgraphs not listed use the URL in the supergraph.',
  }),
  requestBudgetMs: int('REQUEST_BUDGET_MS', {
    default: 1_000,
    min: 1,
    max: 60_000,
    unit: 'ms',
    description:
      'Latency budget of one GraphQL request, from its arrival: every subgraph fetch gets what is left (`x-request-deadline-ms`) and is aborted when it runs out; fields that did not make it are null with a code. A client may shorten it with `x-request-budget-ms`.',
  }),
  subgraphTimeoutMs: int('SUBGRAPH_TIMEOUT_MS', {
    default: 1_000,
    min: 1,
    max: 60_000,
    unit: 'ms',
    description: 'Upper limit of one subgraph fetch, whatever budget its request has left (raise it with REQUEST_BUDGET_MS); past it the fields of that subgraph are null with SERVICE_UNAVAILABLE.',
  }),
  subgraphBreakerFailures: int('SUBGRAPH_BREAKER_FAILURES', {
    default: defaultSubgraphBreaker.failureThreshold,
    min: 1,
    max: 1_000,
    unit: 'fetches',
    description:
      "Consecutive failed fetches of one subgraph (timeout, no connection, 5xx, unreadable answer) that open the gateway's breaker for it: its fields then fail at once with SERVICE_UNAVAILABLE. Fetches already in flight when the first of them failed count as one with it (a replica that dies fails all it held at once); each fetch started after it counts one.",
  }),
  subgraphBreakerWindowMs: int('SUBGRAPH_BREAKER_WINDOW_MS', {
    default: defaultSubgraphBreaker.windowMs,
    min: 100,
    max: 600_000,
    unit: 'ms',
    description: 'Failures of one subgraph count as consecutive only within this time of the first of them.',
  }),
  subgraphBreakerResetMs: int('SUBGRAPH_BREAKER_RESET_MS', {
    default: defaultSubgraphBreaker.resetMs,
    min: 100,
    max: 600_000,
    unit: 'ms',
    description: "How long a subgraph's breaker stays open before one trial fetch goes through; its success closes the breaker.",
  }),
  subgraphConnections: int('SUBGRAPH_CONNECTIONS', {
    default: 64,
    min: 1,
    max: 10_000,
    unit: 'connections',
    description: 'Keep-alive connections kept open to each subgraph.',
  }),
  subgraphDedupe: bool('SUBGRAPH_DEDUPE', {
    default: true,
    description:
      "Identical query fetches to one subgraph in flight at the same time (same body and variables, same caller identity; anonymous callers share) are sent once and the answer shared; mutations never are. false = every fetch asks the subgraph.",
  }),
  maxBodyBytes: int('MAX_BODY_BYTES', {
    default: 102_400,
    min: 1_024,
    max: 10_485_760,
    unit: 'bytes',
    description: 'Largest request body accepted; larger ones get 413.',
  }),
  shutdownGraceMs: int('SHUTDOWN_GRACE_MS', {
    default: 10_000,
    min: 0,
    max: 120_000,
    unit: 'ms',
    description: 'On SIGTERM/SIGINT, how long in-flight requests may take before connections are dropped.',
  }),
  logLevel: oneOf('LOG_LEVEL', logLevels, { default: 'info', description: 'Least severe level written to the JSON log (silent = none).' }),
  nodeEnv: oneOf('NODE_ENV', nodeEnvs, {
    default: 'development',
    description: 'production turns off introspection and the explorer (unless INTROSPECTION and EXPLORER say otherwise), and /metrics on the public port.',
  }),
  introspection: optionalBool('INTROSPECTION', {
    defaultText: 'true unless NODE_ENV=production',
    description: 'Allow schema introspection (the explorer needs it).',
  }),
  explorer: optionalBool('EXPLORER', {
    defaultText: 'true unless NODE_ENV=production or INTROSPECTION=false',
    description:
      'Serve the schema explorer (GraphiQL, every asset from the gateway itself: works offline) to browsers at GET /graphql, and the client schema at /schema.graphql. Needs introspection.',
  }),
  metricsPort: metricsPortSetting({
    defaultText: '(unset: /metrics on GATEWAY_PORT, except in production, where it is not served)',
    description:
      'Serve /metrics (Prometheus) on a listener of its own, so that the public port never shows it. Set it in production to scrape the gateway.',
  }),
  traceClientContext: oneOf('TRACE_CLIENT_CONTEXT', traceContextModes, {
    default: 'link',
    description:
      "What a client's traceparent does to the gateway's span: link = a new trace, with a link to the client's span (a client cannot pick trace ids or turn sampling on); continue = the client's trace, sampled as it says: only for clients you trust. The client's tracestate is never passed on.",
  }),
  // Abuse: query limits and batching (limits/limitSettings.ts), persisted queries, rate limits (rateLimit/rateLimitSettings.ts); see gateway/README.md.
  ...limitSettings,
  // Parsed documents and query plans, bounded by memory: caches/operationCacheSettings.ts.
  ...operationCacheSettings,
  persistedQueries: oneOf('PERSISTED_QUERIES', persistedQueryModes, {
    default: 'apq',
    description: 'apq = automatic persisted queries; safelist = only the operations of PERSISTED_QUERY_MANIFEST run; off = none.',
  }),
  persistedQueryManifest: string('PERSISTED_QUERY_MANIFEST', {
    default: 'schema/app-builds',
    description:
      'Safelist of safelist mode, read at start-up: a folder of persisted query manifests, one per supported app build (`npm run app-build:register` / `app-build:retire`), served as their union; or one manifest file.',
  }),
  apqTtlS: int('APQ_TTL_S', {
    default: 86_400,
    min: 60,
    max: 2_592_000,
    unit: 's',
    description: 'How long an automatic persisted query stays registered (in memory, or in Redis with REDIS_URL).',
  }),
  ...rateLimitSettings,
  responseCache: oneOf('RESPONSE_CACHE', responseCacheModes, {
    default: 'off',
    description:
      'Shared cache of whole answers: full, public answers to anonymous queries, kept for their max-age (see "Caching" in gateway/README.md). off; memory = per process (32 MB); redis = shared by every replica (needs REDIS_URL). A request with a token never reads or writes it.',
  }),
  redisUrl: optionalUrl('REDIS_URL', {
    protocols: ['redis:', 'rediss:'],
    description: 'Shared store of all replicas (subgraph caches; gateway rate-limit counters, APQ and RESPONSE_CACHE=redis). Unset = in memory per process.',
  }),
  redisPrefix: string('REDIS_PREFIX', {
    default: 'mobile-graph',
    pattern: /^[A-Za-z0-9._:-]{1,64}$/,
    patternText: 'up to 64 of A-Za-z0-9._:-',
    description: "Key prefix of this deployment in Redis (rate limits, APQ, response cache), so that deployments sharing a Redis never share keys.",
  }),
  // AUTH_* (access tokens of mobile clients) and GATEWAY_IDENTITY_PRIVATE_KEY (what subgraphs are told): see auth/authSettings.ts.
  ...authSettings,
};

export interface GatewayConfig extends AuthConfig {
  readonly host: string;
  readonly port: number;
  readonly supergraphPath: string;
  /** Subgraph name → URL; only the subgraphs whose URL is overridden. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /** ms */
  readonly requestBudgetMs: number;
  /** ms; cap of one fetch */
  readonly subgraphTimeoutMs: number;
  /** consecutive failed fetches */
  readonly subgraphBreakerFailures: number;
  /** ms */
  readonly subgraphBreakerWindowMs: number;
  /** ms */
  readonly subgraphBreakerResetMs: number;
  readonly subgraphConnections: number;
  /** Identical query fetches in flight share one subgraph request. */
  readonly subgraphDedupe: boolean;
  /** bytes */
  readonly maxBodyBytes: number;
  /** ms */
  readonly shutdownGraceMs: number;
  readonly logLevel: LogLevel;
  readonly nodeEnv: NodeEnv;
  readonly introspection: boolean;
  /** The explorer page and /schema.graphql. */
  readonly explorer: boolean;
  /** A listener of its own for /metrics; undefined = on the gateway's port outside production, nowhere in production. */
  readonly metricsPort: number | undefined;
  /** What a client's `traceparent` makes of the gateway's SERVER span (serverRequestTracer). */
  readonly traceClientContext: TraceContextMode;
  /** levels */
  readonly limitMaxDepth: number;
  readonly limitMaxAliases: number;
  readonly limitMaxDirectives: number;
  readonly limitMaxTokens: number;
  /** graphql-armor cost points */
  readonly limitMaxCost: number;
  /** root fields of one mutation operation */
  readonly limitMaxMutationFields: number;
  /** errors in an answer without data */
  readonly limitMaxErrors: number;
  /** 0 = batching off */
  readonly maxBatchOperations: number;
  /** MiB of parsed documents kept */
  readonly documentCacheMiB: number;
  /** MiB of query plans kept */
  readonly queryPlanCacheMiB: number;
  readonly persistedQueries: PersistedQueryMode;
  readonly persistedQueryManifest: string;
  /** s */
  readonly apqTtlS: number;
  /** operations per window and client (address, or address + install id); 0 = off */
  readonly rateLimitPerIp: number;
  /** operations per window and address, all installs together; 0 = off */
  readonly rateLimitPerIpShared: number;
  /** operations per window; 0 = off */
  readonly rateLimitPerUser: number;
  /** s */
  readonly rateLimitWindowS: number;
  readonly trustProxyHops: number;
  /** Shared cache of public answers to anonymous queries. */
  readonly responseCache: ResponseCacheMode;
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
}

/** Parses the gateway's environment once; throws a ConfigError listing every problem. */
export function parseGatewayConfig(env: Env): GatewayConfig {
  const parsed = parseConfig('gateway', gatewaySettings, env);
  const introspection = parsed.introspection ?? parsed.nodeEnv !== 'production';
  // The explorer's docs and autocompletion are built from introspection: without it the page would be empty.
  const explorer = parsed.explorer ?? (introspection && parsed.nodeEnv !== 'production');
  if (explorer && !introspection) {
    throw new ConfigError('gateway', ['EXPLORER: expected false (or unset) when INTROSPECTION=false, since the explorer reads the schema by introspection, got true']);
  }
  if (parsed.responseCache === 'redis' && parsed.redisUrl === undefined) {
    throw new ConfigError('gateway', ['RESPONSE_CACHE: expected off or memory when REDIS_URL is unset (redis keeps answers in the Redis of REDIS_URL), got redis']);
  }
  return Object.freeze({
    ...parsed,
    introspection,
    explorer,
    rateLimitPerIpShared: parsed.rateLimitPerIpShared ?? SHARED_CEILING_FACTOR * parsed.rateLimitPerIp,
    ...resolveAuthConfig(parsed),
  });
}
