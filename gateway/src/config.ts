import { gatewayEntry } from '../../platform/registry/services.js';
import { parseConfig } from '../../platform/config/parseConfig.js';
import { nodeEnvs } from '../../platform/config/serviceSettings.js';
import { bool, int, oneOf, optionalInt, optionalUrl, string, type Env, type ParseResult, type Setting } from '../../platform/config/setting.js';
import { defaultSubgraphBreaker } from './datasources/SubgraphBreaker.js';
import { logLevels, type LogLevel } from '../../platform/log/createLogger.js';
import { authSettings, resolveAuthConfig, type AuthConfig } from './auth/authSettings.js';
import { isHttpUrl } from './isHttpUrl.js';
import { persistedQueryModes, type PersistedQueryMode } from './persistedQueries/createPersistedQueries.js';

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

/** RATE_LIMIT_PER_IP_SHARED's default, as a multiple of RATE_LIMIT_PER_IP. */
const SHARED_CEILING_FACTOR = 10;

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
      "Consecutive failed fetches of one subgraph (timeout, no connection, 5xx, unreadable answer) that open the gateway's breaker for it: its fields then fail at once with SERVICE_UNAVAILABLE.",
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
    description: 'production turns off introspection (unless INTROSPECTION says otherwise) and the sandbox page.',
  }),
  introspection: optionalBool('INTROSPECTION', {
    defaultText: 'true unless NODE_ENV=production',
    description: 'Allow schema introspection (the sandbox explorer needs it).',
  }),
  // Abuse: query limits, batching, persisted queries, rate limits (see gateway/README.md).
  limitMaxDepth: int('LIMIT_MAX_DEPTH', {
    default: 10,
    min: 1,
    max: 100,
    unit: 'levels',
    description: 'Deepest nesting of selection sets a query may have (fragments count as a level); deeper → 400 QUERY_TOO_COMPLEX.',
  }),
  limitMaxAliases: int('LIMIT_MAX_ALIASES', {
    default: 15,
    min: 0,
    max: 1_000,
    unit: 'aliases',
    description: 'Most aliases in one operation, `__typename` aliases included; more → 400 QUERY_TOO_COMPLEX.',
  }),
  limitMaxDirectives: int('LIMIT_MAX_DIRECTIVES', {
    default: 10,
    min: 0,
    max: 1_000,
    unit: 'directives',
    description: 'Most directives (`@include`, `@skip`, …) in one operation; more → 400 QUERY_TOO_COMPLEX.',
  }),
  limitMaxTokens: int('LIMIT_MAX_TOKENS', {
    default: 2_000,
    min: 100,
    max: 100_000,
    unit: 'tokens',
    description: 'Most lexical tokens in one query document; parsing stops past it → 400 QUERY_TOO_COMPLEX.',
  }),
  limitMaxCost: int('LIMIT_MAX_COST', {
    default: 5_000,
    min: 1,
    max: 10_000_000,
    unit: 'cost points',
    description: 'Highest estimated cost of one operation, counted with its variables (the home screen costs 1663); more → 400 QUERY_TOO_COMPLEX.',
  }),
  limitMaxMutationFields: int('LIMIT_MAX_MUTATION_FIELDS', {
    default: 1,
    min: 1,
    max: 100,
    unit: 'fields',
    description: 'Most root mutation fields one operation may hold (aliases count), so one request cannot multiply sign-ups or payments; more → 400 QUERY_TOO_COMPLEX, nothing runs.',
  }),
  limitMaxErrors: int('LIMIT_MAX_ERRORS', {
    default: 5,
    min: 1,
    max: 100,
    unit: 'errors',
    description: 'Most errors an answer that refuses a request (no data: parse, validation, variables) lists; the rest are counted in extensions.errorsOmitted.',
  }),
  maxBatchOperations: int('MAX_BATCH_OPERATIONS', {
    default: 0,
    min: 0,
    max: 10,
    unit: 'operations',
    description: 'Operations one batched request (a JSON array body) may hold; 0 refuses batches (400 BAD_REQUEST).',
  }),
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
  rateLimitPerIp: int('RATE_LIMIT_PER_IP', {
    default: 600,
    min: 0,
    max: 1_000_000,
    unit: 'operations per window',
    description:
      'GraphQL operations one client may send per window (a batch counts each); over it → 429. 0 = no limit. A client is its address, or its address and app install when the app sends a UUID in x-install-id.',
  }),
  rateLimitPerIpShared: optionalInt('RATE_LIMIT_PER_IP_SHARED', {
    defaultText: '10 × RATE_LIMIT_PER_IP',
    min: 0,
    max: 100_000_000,
    unit: 'operations per window',
    description:
      'GraphQL operations one address may send per window, all its app installs together (a carrier NAT holds thousands of phones), so that made-up install ids cannot multiply its budget; over it → 429. 0 = no limit.',
  }),
  rateLimitPerUser: int('RATE_LIMIT_PER_USER', {
    default: 300,
    min: 0,
    max: 1_000_000,
    unit: 'operations per window',
    description: 'GraphQL operations one signed-in user may send per window, from any address; over it → 429. 0 = no limit.',
  }),
  rateLimitWindowS: int('RATE_LIMIT_WINDOW_S', {
    default: 60,
    min: 1,
    max: 3_600,
    unit: 's',
    description: 'Length of the fixed window the rate limits count over.',
  }),
  trustProxyHops: int('TRUST_PROXY_HOPS', {
    default: 0,
    min: 0,
    max: 10,
    unit: 'proxies',
    description: 'Proxies in front of the gateway: 0 = the client is the socket address; N = the Nth address from the right of x-forwarded-for.',
  }),
  redisUrl: optionalUrl('REDIS_URL', {
    protocols: ['redis:', 'rediss:'],
    description: 'Shared store of all replicas (subgraph caches; gateway rate-limit counters and APQ). Unset = in memory per process.',
  }),
  redisPrefix: string('REDIS_PREFIX', {
    default: 'mobile-graph',
    pattern: /^[A-Za-z0-9._:-]{1,64}$/,
    patternText: 'up to 64 of A-Za-z0-9._:-',
    description: "Key prefix of this deployment in Redis (rate limits, APQ), so that deployments sharing a Redis never share keys.",
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
  /** bytes */
  readonly maxBodyBytes: number;
  /** ms */
  readonly shutdownGraceMs: number;
  readonly logLevel: LogLevel;
  readonly nodeEnv: NodeEnv;
  readonly introspection: boolean;
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
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
}

/** Parses the gateway's environment once; throws a ConfigError listing every problem. */
export function parseGatewayConfig(env: Env): GatewayConfig {
  const parsed = parseConfig('gateway', gatewaySettings, env);
  return Object.freeze({
    ...parsed,
    introspection: parsed.introspection ?? parsed.nodeEnv !== 'production',
    rateLimitPerIpShared: parsed.rateLimitPerIpShared ?? SHARED_CEILING_FACTOR * parsed.rateLimitPerIp,
    ...resolveAuthConfig(parsed),
  });
}
