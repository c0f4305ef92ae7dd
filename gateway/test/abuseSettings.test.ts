import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/ConfigError.js';
import { parseGatewayConfig } from '../src/config.js';
import { configError } from './configError.js';
import { startTopology, type TestGateway, type Topology } from '../../test/harness/testSubgraphs.js';

describe('abuse settings', () => {
  it('reads every variable', () => {
    expect(
      parseGatewayConfig({
        LIMIT_MAX_DEPTH: '4',
        LIMIT_MAX_ALIASES: '0',
        LIMIT_MAX_DIRECTIVES: '2',
        LIMIT_MAX_TOKENS: '500',
        LIMIT_MAX_COST: '100',
        MAX_BATCH_OPERATIONS: '3',
        PERSISTED_QUERIES: 'safelist',
        PERSISTED_QUERY_MANIFEST: '/etc/app/manifest.json',
        APQ_TTL_S: '3600',
        RATE_LIMIT_PER_IP: '0',
        RATE_LIMIT_PER_USER: '10',
        RATE_LIMIT_WINDOW_S: '1',
        TRUST_PROXY_HOPS: '2',
        REDIS_URL: 'redis://redis:6379',
        REDIS_PREFIX: 'prod-eu',
      }),
    ).toMatchObject({
      limitMaxDepth: 4,
      limitMaxAliases: 0,
      limitMaxDirectives: 2,
      limitMaxTokens: 500,
      limitMaxCost: 100,
      maxBatchOperations: 3,
      persistedQueries: 'safelist',
      persistedQueryManifest: '/etc/app/manifest.json',
      apqTtlS: 3600,
      rateLimitPerIp: 0,
      rateLimitPerUser: 10,
      rateLimitWindowS: 1,
      trustProxyHops: 2,
      redisUrl: 'redis://redis:6379',
      redisPrefix: 'prod-eu',
    });
  });

  it('rejects bad values, all at once', () => {
    const error = configError({ LIMIT_MAX_DEPTH: '0', MAX_BATCH_OPERATIONS: '50', PERSISTED_QUERIES: 'yes', REDIS_URL: 'http://x', REDIS_PREFIX: 'a b' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((p) => p.split(':')[0])).toEqual([
      'LIMIT_MAX_DEPTH',
      'MAX_BATCH_OPERATIONS',
      'PERSISTED_QUERIES',
      'REDIS_URL',
      'REDIS_PREFIX',
    ]);
  });
});

describe('limits, batching and persisted queries follow the settings', () => {
  let gw: TestGateway;
  let topology: Topology;
  beforeAll(async () => {
    topology = await startTopology({ LIMIT_MAX_DEPTH: '1', LIMIT_MAX_ALIASES: '1', LIMIT_MAX_DIRECTIVES: '1', LIMIT_MAX_TOKENS: '100', LIMIT_MAX_COST: '10', MAX_BATCH_OPERATIONS: '2', PERSISTED_QUERIES: 'off' });
    ({ gw } = topology);
  });
  afterAll(() => topology?.close());

  const limitMessages = async (query: string) => {
    const res = await gw.query(query);
    expect(res.status).toBe(400);
    return (res.json as { errors: { message: string; extensions: { code: string } }[] }).errors
      .filter((e) => e.extensions.code === 'QUERY_TOO_COMPLEX')
      .map((e) => e.message);
  };

  it.each([
    ['depth', '{ things { id } }', 'Query depth exceeds the limit of 1.'],
    ['aliases', '{ a: __typename b: __typename }', 'Query has more aliases than the limit of 1.'],
    ['directives', '{ __typename @skip(if: false) __typename @include(if: true) }', 'Query has more directives than the limit of 1.'],
    ['tokens', `{ ${'__typename '.repeat(120)}}`, 'Query has more tokens than the limit of 100.'],
    ['cost', `{ ${'__typename '.repeat(11)}}`, 'Query cost exceeds the limit of 10.'],
  ])('%s: the configured maximum is enforced and named', async (_limit, query, message) => {
    expect(await limitMessages(query)).toContain(message);
  });

  it('batches up to MAX_BATCH_OPERATIONS run, each answered', async () => {
    const res = await gw.post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(res.status).toBe(200);
    expect(res.json).toEqual([
      { data: { __typename: 'Query' }, extensions: { requestId: expect.any(String) } },
      { data: { __typename: 'Query' }, extensions: { requestId: expect.any(String) } },
    ]);
  });

  it('PERSISTED_QUERIES=off: a hash → PERSISTED_QUERY_NOT_SUPPORTED, so clients fall back to the text', async () => {
    const hash = createHash('sha256').update('{ __typename }').digest('hex');
    const res = await gw.post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }));
    expect((res.json as { errors: unknown[] }).errors).toEqual([{ message: 'PersistedQueryNotSupported', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }]);
  });
});
