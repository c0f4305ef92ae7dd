import { beforeAll, describe, expect, it } from 'vitest';
import { generateIdentityKeys } from '../../platform/identity/generateIdentityKeys.js';
import { ConfigError } from '../../platform/config/ConfigError.js';
import { gatewaySettings, parseGatewayConfig } from '../src/config.js';
import { configError } from './configError.js';

// Production requires the identity signing key.
let production: Record<string, string>;
beforeAll(async () => {
  production = { NODE_ENV: 'production', GATEWAY_IDENTITY_PRIVATE_KEY: (await generateIdentityKeys()).privateJwk };
});

describe('parseGatewayConfig', () => {
  it('has a default for everything', () => {
    const config = parseGatewayConfig({});
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 4000,
      supergraphPath: 'schema/supergraph.graphql',
      subgraphUrls: {},
      requestBudgetMs: 1000,
      subgraphTimeoutMs: 1000,
      subgraphBreakerFailures: 3,
      subgraphBreakerWindowMs: 10000,
      subgraphBreakerResetMs: 5000,
      subgraphConnections: 64,
      subgraphDedupe: true,
      maxBodyBytes: 102400,
      shutdownGraceMs: 10000,
      logLevel: 'info',
      nodeEnv: 'development',
      introspection: true,
      explorer: true,
      metricsPort: undefined,
      traceClientContext: 'link',
      limitMaxDepth: 10,
      limitMaxAliases: 15,
      limitMaxDirectives: 10,
      limitMaxTokens: 2000,
      limitMaxCost: 5000,
      limitMaxMutationFields: 1,
      limitMaxErrors: 5,
      maxBatchOperations: 0,
      documentCacheMiB: 16,
      queryPlanCacheMiB: 16,
      persistedQueries: 'apq',
      persistedQueryManifest: 'schema/app-builds',
      apqTtlS: 86400,
      rateLimitPerIp: 600,
      rateLimitPerIpShared: 6000,
      rateLimitPerUser: 300,
      rateLimitWindowS: 60,
      trustProxyHops: 0,
      responseCache: 'off',
      redisUrl: undefined,
      redisPrefix: 'mobile-graph',
      authIssuer: 'http://127.0.0.1:4103',
      authAudience: 'mobile-graph',
      authJwksUrl: 'http://127.0.0.1:4103/.well-known/jwks.json',
      authAlgorithms: ['RS256', 'ES256'],
      authClockSkewS: 30,
      authJwksCooldownMs: 30000,
      authJwksMaxAgeMs: 600000,
      authJwksMaxStaleMs: 3600000,
      authJwksUnknownKidFetchesPerMin: 10,
      identityPrivateKey: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = parseGatewayConfig({
      GATEWAY_HOST: '0.0.0.0',
      GATEWAY_PORT: '8080',
      SUPERGRAPH_PATH: '/etc/graph/supergraph.graphql',
      SUBGRAPH_URLS: ' catalog=http://catalog:4001/graphql , reviews=https://reviews.example/graphql ,',
      SUBGRAPH_TIMEOUT_MS: '2500',
      SUBGRAPH_CONNECTIONS: '8',
      SUBGRAPH_DEDUPE: 'false',
      MAX_BODY_BYTES: '2048',
      SHUTDOWN_GRACE_MS: '0',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'test',
      INTROSPECTION: 'false',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      supergraphPath: '/etc/graph/supergraph.graphql',
      subgraphUrls: { catalog: 'http://catalog:4001/graphql', reviews: 'https://reviews.example/graphql' },
      subgraphTimeoutMs: 2500,
      subgraphConnections: 8,
      subgraphDedupe: false,
      maxBodyBytes: 2048,
      shutdownGraceMs: 0,
      logLevel: 'debug',
      nodeEnv: 'test',
      introspection: false,
    });
    expect(Object.isFrozen(config.subgraphUrls)).toBe(true);
  });

  it('turns introspection off in production unless asked for', () => {
    expect(parseGatewayConfig({ ...production }).introspection).toBe(false);
    expect(parseGatewayConfig({ ...production, INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(parseGatewayConfig({ NODE_ENV: 'test' }).introspection).toBe(true);
  });

  it('lists every problem at once, naming each variable', () => {
    const error = configError({
      GATEWAY_PORT: '70000',
      SUBGRAPH_URLS: 'catalog=http://catalog:4001/graphql,reviews',
      NODE_ENV: 'staging',
      LOG_LEVEL: 'loud',
      SUBGRAPH_TIMEOUT_MS: '3s',
      INTROSPECTION: 'maybe',
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toHaveLength(6);
    const message = error.message;
    expect(message).toContain('GATEWAY_PORT: expected an integer from 0 to 65535, got "70000"');
    expect(message).toMatch(/SUBGRAPH_URLS: expected comma-separated name=url pairs.*"reviews" has no "="/);
    expect(message).toContain('NODE_ENV: expected one of development, production, test, got "staging"');
    expect(message).toContain('LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(message).toContain('SUBGRAPH_TIMEOUT_MS: expected an integer from 1 to 60000 (ms)');
    expect(message).toContain('INTROSPECTION: expected true or false');
  });

  it.each([
    ['catalog=not a url', 'is not an absolute http(s) URL'],
    ['catalog=ftp://catalog/graphql', 'is not an absolute http(s) URL'],
    ['=http://catalog:4001/graphql', 'is not a subgraph name'],
    ['cat alog=http://catalog:4001/graphql', 'is not a subgraph name'],
    ['catalog=http://a/graphql,catalog=http://b/graphql', 'appears twice'],
  ])('rejects SUBGRAPH_URLS=%s', (value, why) => {
    expect(() => parseGatewayConfig({ SUBGRAPH_URLS: value })).toThrow(why);
  });

  it('documents every setting with a description and a default', () => {
    for (const setting of Object.values(gatewaySettings)) {
      expect(setting.description.length).toBeGreaterThan(10);
      expect(setting.defaultText).toBeDefined();
    }
  });
});
