import { identityJwksSetting } from '../identity/identitySettings.js';
import { logLevels } from '../log/createLogger.js';
import { bool, int, oneOf, optionalUrl, string, type Setting } from './setting.js';

export const nodeEnvs = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof nodeEnvs)[number];

/** Settings every subgraph has: where it listens, how it logs, the shared cache, who may call it. */
export function serviceSettings(prefix: string, defaultPort: number) {
  return {
    host: string(`${prefix}_HOST`, { default: '127.0.0.1', description: 'Interface to listen on (0.0.0.0 in containers).' }),
    port: int(`${prefix}_PORT`, { default: defaultPort, min: 0, max: 65535, description: 'Port to listen on (0 = any free port).' }),
    introspection: bool(`${prefix}_INTROSPECTION`, {
      default: true,
      description: 'Allow schema introspection on this subgraph (it is internal; the gateway only needs `_service`).',
    }),
    shutdownGraceMs: int(`${prefix}_SHUTDOWN_GRACE_MS`, {
      default: 10_000,
      min: 0,
      max: 120_000,
      unit: 'ms',
      description: 'On SIGTERM, how long in-flight requests may take before connections are dropped.',
    }),
    documentCacheMiB: int(`${prefix}_DOCUMENT_CACHE_MIB`, {
      default: 8,
      min: 0,
      max: 1024,
      unit: 'MiB',
      description:
        'Memory for parsed and validated query documents, charged at what they keep on the heap (about 5× their JSON); the least recently used go first. Each operation name the gateway forwards is a new document. 0 = none kept.',
    }),
    logLevel: oneOf('LOG_LEVEL', logLevels, { default: 'info', description: 'Log level of every service.' }),
    redisUrl: optionalUrl('REDIS_URL', {
      protocols: ['redis:', 'rediss:'],
      description: 'Shared cache for all replicas. Unset = in-memory cache per process.',
    }),
    redisPrefix: redisPrefixSetting(),
    nodeEnv: oneOf('NODE_ENV', nodeEnvs, {
      default: 'development',
      description: 'production makes GATEWAY_IDENTITY_JWKS required (no anonymous, unverified callers).',
    }),
    identityJwks: identityJwksSetting(),
  };
}

/**
 * `REDIS_PREFIX`: this deployment's namespace in a shared Redis. Every key a service writes
 * there starts with it (a subgraph's cache: `<prefix>:<subgraph>::<key>`), so that two
 * deployments (staging and production, two test runs) sharing one Redis never share a key.
 */
export function redisPrefixSetting(): Setting<string> {
  return string('REDIS_PREFIX', {
    default: 'mobile-graph',
    pattern: /^[A-Za-z0-9._:-]{1,64}$/,
    patternText: 'up to 64 of A-Za-z0-9._:-',
    description: 'Key prefix of this deployment in Redis (its vendor cache: `<prefix>:<subgraph>::…`), so that deployments sharing a Redis never share keys.',
  });
}
