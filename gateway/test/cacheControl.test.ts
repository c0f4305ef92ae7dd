import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../platform/http/startHttpServer.js';
import type { Logger } from '../../platform/log/createLogger.js';
import { issuerVendorEntry } from '../../platform/registry/services.js';
import { capturingLogger } from '../../test/harness/capturingLogger.js';
import { COLD_START_BUDGETS } from '../../test/harness/coldStartBudgets.js';
import { operation } from '../../test/harness/operations.js';
import { startStack, type Stack } from '../../test/harness/startStack.js';
import { silentLogger } from '../../test/harness/testSubgraphs.js';
import { parseGatewayConfig } from '../src/config.js';
import { createGateway } from '../src/createGateway.js';
import { configError } from './configError.js';

/**
 * Cache-Control across the real boundaries: the vendor sandbox, every subgraph and the
 * gateway on 127.0.0.1. The subgraphs' `@cacheControl` hints become their Cache-Control,
 * the gateway's answer follows the most restrictive of them, and the response cache keeps
 * only full public answers to anonymous requests. "Subgraph requests" are counted by a
 * proxy in front of each subgraph: what the subgraphs really received.
 */
const HOME = operation('HomeScreen');
// The home screen's own subgraphs: catalog (max-age 60), reviews (300), accounts (600).
const HOME_MAX_AGE = 60;
const RATINGS = 'query Ratings { products(first: 3) { edges { node { id name rating { average count } } } } }';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const redisUrl = process.env.REDIS_URL;

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary shapes
  readonly json: any;
}

/** A gateway of its own over the stack's subgraphs, each behind a proxy that counts what it forwards. */
interface CountedGateway {
  query(query: string, headers?: Record<string, string>): Promise<Answer>;
  /** Requests the subgraphs received from this gateway since it started. */
  subgraphRequests(): number;
  /** gateway_response_cache_total{result} of this gateway. */
  responseCacheLookups(result: 'hit' | 'miss'): Promise<number>;
  close(): Promise<void>;
}

async function startCountedGateway(stack: Stack, env: Record<string, string>, logger: Logger = silentLogger): Promise<CountedGateway> {
  let requests = 0;
  const proxies: Server[] = [];
  const urls: string[] = [];
  const closeProxies = () => Promise.all(proxies.map((p) => new Promise((resolve) => p.close(resolve))));
  try {
    for (const subgraph of stack.subgraphs) {
      const proxy = createServer((req, res) => {
        requests++;
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const headers = Object.fromEntries(
            Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && !['host', 'connection', 'content-length'].includes(e[0])),
          );
          fetch(subgraph.url, { method: req.method, headers, body: Buffer.concat(chunks) })
            .then(async (answer) => {
              const body = Buffer.from(await answer.arrayBuffer());
              const out: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? 'application/json' };
              const cacheControl = answer.headers.get('cache-control');
              if (cacheControl !== null) out['cache-control'] = cacheControl;
              res.writeHead(answer.status, out).end(body);
            })
            .catch(() => res.writeHead(502).end());
        });
      });
      proxies.push(proxy);
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const address = proxy.address();
      if (address === null || typeof address === 'string') throw new Error('proxy has no port');
      urls.push(`${subgraph.name}=http://127.0.0.1:${address.port}/graphql`);
    }
    const issuer = issuerVendorEntry();
    const config = parseGatewayConfig({
      GATEWAY_PORT: '0',
      LOG_LEVEL: 'silent',
      SUBGRAPH_URLS: urls.join(','),
      GATEWAY_IDENTITY_PRIVATE_KEY: stack.identityKeys.privateJwk,
      ...(issuer ? { AUTH_ISSUER: stack.sandbox.vendor(issuer.name).url } : {}),
      ...COLD_START_BUDGETS,
      ...env,
    });
    const supergraphSdl = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    const gateway = createGateway({ config, supergraphSdl, logger });
    let http: RunningHttpServer | undefined;
    try {
      await gateway.start();
      http = await startHttpServer(gateway.handler, { host: '127.0.0.1', port: 0 });
    } catch (err) {
      await gateway.stop();
      throw err;
    }
    const url = `${http.origin}/graphql`;
    const running = http;
    return {
      async query(query, headers = {}) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
        return { status: res.status, headers: res.headers, json: await res.json() };
      },
      subgraphRequests: () => requests,
      async responseCacheLookups(result) {
        const values = (await gateway.metrics.getSingleMetric('gateway_response_cache_total')?.get())?.values ?? [];
        return values.find((v) => v.labels.result === result)?.value ?? 0;
      },
      async close() {
        await running.close(1_000);
        await gateway.stop();
        await closeProxies();
      },
    };
  } catch (err) {
    await closeProxies();
    throw err;
  }
}

describe('Cache-Control and the response cache', () => {
  let stack: Stack;
  let accessToken: string;
  beforeAll(async () => {
    // Reviews uncached in its subgraph: a reviews outage then shows at once as a partial answer.
    // Sign-up hashes a password at the identity vendor: on a busy machine it needs more than 1 s.
    stack = await startStack({ env: { REVIEWS_CACHE_TTL_MS: '0', ACCOUNTS_VENDOR_DEADLINE_MS: '5000' } });
    const signUp = await stack.query(operation('SignUp'), { input: { email: `cache-${randomUUID()}@example.com`, password: 'a long enough password', displayName: 'Cache Tester' } });
    expect(signUp.json.errors).toBeUndefined();
    accessToken = signUp.json.data.signUp.accessToken;
    // A mutation, anonymous and successful, that hands out tokens: never kept anywhere.
    expect(signUp.headers.get('cache-control')).toBe('no-store');
  }, 120_000);
  afterAll(() => stack?.close());

  describe('what each subgraph answers, from its schema hints', () => {
    const ask = async (name: string, query: string, viewer: { userId: string; scopes: string[] } | null = null) => {
      const res = await fetch(stack.subgraph(name).url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-gateway-identity': await stack.signIdentity(viewer, name) },
        body: JSON.stringify({ query }),
      });
      const json = (await res.json()) as { errors?: unknown };
      return { cacheControl: res.headers.get('cache-control'), errors: json.errors };
    };

    it('products, ratings and reviews, profiles: public for as long as each subgraph caches its vendor', async () => {
      expect(await ask('catalog', '{ products(first: 2) { edges { node { id name price { amount } } } pageInfo { hasNextPage } } }')).toEqual({ cacheControl: 'max-age=60, public', errors: undefined });
      expect(await ask('reviews', '{ _entities(representations: [{ __typename: "Product", id: "prod_0001" }]) { ... on Product { rating { average count } reviews(first: 2) { body author { id } } } } }')).toEqual({
        cacheControl: 'max-age=300, public',
        errors: undefined,
      });
      expect(await ask('accounts', '{ _entities(representations: [{ __typename: "User", id: "usr_0001" }]) { ... on User { displayName avatarUrl } } }')).toEqual({
        cacheControl: 'max-age=600, public',
        errors: undefined,
      });
    });

    it('anything about one user is no-store, and so is every mutation, whatever type it returns', async () => {
      expect((await ask('accounts', '{ me { id displayName } }', { userId: 'usr_0001', scopes: [] })).cacheControl).toBe('no-store');
      expect((await ask('accounts', '{ _entities(representations: [{ __typename: "User", id: "usr_0001" }]) { ... on User { email } } }', { userId: 'usr_0001', scopes: [] })).cacheControl).toBe('no-store');
      expect((await ask('payments', '{ myOrders(first: 1) { edges { cursor } } }', { userId: 'usr_0001', scopes: [] })).cacheControl).toBe('no-store');
      expect((await ask('notifications', '{ myDevices { id } }', { userId: 'usr_0001', scopes: [] })).cacheControl).toBe('no-store');
      // addReview returns a Review, which is public for 300 s when read: the write itself is not.
      const review = await ask(
        'reviews',
        `mutation { addReview(productId: "prod_0007", rating: 4, title: "Good", body: "Cache test ${randomUUID()}") { id rating } }`,
        { userId: 'usr_0002', scopes: ['reviews:write'] },
      );
      expect(review).toEqual({ cacheControl: 'no-store', errors: undefined });
    });
  });

  describe('the gateway', () => {
    it('anonymous home screen: public for the shortest max-age of its subgraphs, varying on authorization', async () => {
      const res = await stack.query(HOME);
      expect(res.json.errors).toBeUndefined();
      expect(res.headers.get('cache-control')).toBe(`public, max-age=${HOME_MAX_AGE}`);
      expect(res.headers.get('vary')?.toLowerCase()).toContain('authorization');
    });

    it('a persisted-query GET (what a CDN caches): public too', async () => {
      const hash = (await import('node:crypto')).createHash('sha256').update(HOME).digest('hex');
      const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
      const preflight = { 'apollo-require-preflight': 'true' };
      // The first GET of an unknown hash is a miss: never cacheable, or a CDN would keep serving the miss.
      const miss = await stack.get({ operationName: 'HomeScreen', extensions }, preflight);
      expect(miss.json.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(miss.headers.get('cache-control')).toBe('no-store');
      const registered = await stack.post(JSON.stringify({ query: HOME, operationName: 'HomeScreen', extensions }));
      expect(registered.json.errors).toBeUndefined();
      const res = await stack.get({ operationName: 'HomeScreen', extensions }, preflight);
      expect(res.status).toBe(200);
      expect(res.json.errors).toBeUndefined();
      expect(res.headers.get('cache-control')).toBe(`public, max-age=${HOME_MAX_AGE}`);
    });

    it('with a signed-in user: no-store, the same home screen or their own data', async () => {
      const home = await stack.query(HOME, undefined, bearer(accessToken));
      expect(home.json.errors).toBeUndefined();
      expect(home.headers.get('cache-control')).toBe('no-store');
      const me = await stack.query(operation('Me'), undefined, bearer(accessToken));
      expect(me.json.errors).toBeUndefined();
      expect(me.json.data.me.displayName).toBe('Cache Tester');
      expect(me.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('the response cache', () => {
    it('a partial answer (reviews vendor down) is no-store and never written', async () => {
      const gateway = await startCountedGateway(stack, { RESPONSE_CACHE: 'memory' });
      stack.sandbox.reviews.control.setFaults({ outage: true });
      try {
        const first = await gateway.query(RATINGS);
        expect(first.json.data.products.edges[0].node.name).toEqual(expect.any(String));
        expect(first.json.data.products.edges[0].node.rating).toBeNull();
        expect(first.json.errors.length).toBeGreaterThan(0);
        expect(first.headers.get('cache-control')).toBe('no-store');
        const before = gateway.subgraphRequests();
        expect(before).toBeGreaterThanOrEqual(2);
        const second = await gateway.query(RATINGS);
        expect(second.json.errors.length).toBeGreaterThan(0);
        // Asked the subgraphs again: nothing was served from the cache.
        expect(gateway.subgraphRequests()).toBe(before * 2);
      } finally {
        stack.sandbox.reviews.control.resetFaults();
        await gateway.close();
      }
    });

    it('memory: the second anonymous home screen costs no subgraph request; a signed-in one never reads nor writes it', async () => {
      const gateway = await startCountedGateway(stack, { RESPONSE_CACHE: 'memory' });
      try {
        const signedIn = await gateway.query(HOME, bearer(accessToken));
        expect(signedIn.json.errors).toBeUndefined();
        const perHome = gateway.subgraphRequests();
        expect(perHome).toBeGreaterThanOrEqual(3);
        // Not written by the signed-in request: the anonymous one asks the subgraphs.
        const cold = await gateway.query(HOME);
        expect(gateway.subgraphRequests()).toBe(2 * perHome);
        const warm = await gateway.query(HOME);
        expect(gateway.subgraphRequests()).toBe(2 * perHome);
        expect(warm.json).toEqual({ ...cold.json, extensions: warm.json.extensions });
        expect(warm.headers.get('cache-control')).toBe(`public, max-age=${HOME_MAX_AGE}`);
        expect(warm.headers.get('age')).toMatch(/^\d+$/);
        // Not read by a signed-in request either.
        const again = await gateway.query(HOME, bearer(accessToken));
        expect(again.headers.get('cache-control')).toBe('no-store');
        expect(again.headers.get('age')).toBeNull();
        expect(gateway.subgraphRequests()).toBe(3 * perHome);
        // Only the anonymous requests looked it up: one miss, then one hit.
        expect([await gateway.responseCacheLookups('miss'), await gateway.responseCacheLookups('hit')]).toEqual([1, 1]);
      } finally {
        await gateway.close();
      }
    });

    it('a mutation is never cached: the same one twice reaches the subgraph twice', async () => {
      const gateway = await startCountedGateway(stack, { RESPONSE_CACHE: 'memory' });
      try {
        const signIn = `mutation { signIn(input: { email: "nobody-${randomUUID()}@example.com", password: "a long enough password" }) { tokenType } }`;
        const first = await gateway.query(signIn);
        expect(first.headers.get('cache-control')).toBe('no-store');
        const once = gateway.subgraphRequests();
        await gateway.query(signIn);
        expect(gateway.subgraphRequests()).toBe(2 * once);
      } finally {
        await gateway.close();
      }
    });

    it.skipIf(!redisUrl)('redis: a second gateway answers the same anonymous query with 0 subgraph requests (needs REDIS_URL)', async () => {
      const env = { RESPONSE_CACHE: 'redis', REDIS_URL: redisUrl ?? '', REDIS_PREFIX: `test-${randomUUID()}` };
      const a = await startCountedGateway(stack, env);
      const b = await startCountedGateway(stack, env).catch(async (err: unknown) => {
        await a.close();
        throw err;
      });
      try {
        const filled = await a.query(HOME);
        expect(filled.json.errors).toBeUndefined();
        expect(a.subgraphRequests()).toBeGreaterThanOrEqual(3);
        // Apollo writes in the background: a's own hit (an Age header) says the answer is in Redis.
        for (let tries = 0; (await a.query(HOME)).headers.get('age') === null; tries++) {
          if (tries > 50) throw new Error('the answer never reached Redis');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const hit = await b.query(HOME);
        expect(hit.json.data).toEqual(filled.json.data);
        expect(b.subgraphRequests()).toBe(0);
        expect(hit.headers.get('cache-control')).toBe(`public, max-age=${HOME_MAX_AGE}`);
        // A signed-in request on b goes to the subgraphs.
        await b.query(HOME, bearer(accessToken));
        expect(b.subgraphRequests()).toBeGreaterThanOrEqual(3);
      } finally {
        await Promise.allSettled([a.close(), b.close()]);
      }
    });

    it('redis unreachable: every answer still comes, from the subgraphs, and the failure is logged', async () => {
      const { logger, lines } = capturingLogger('gateway', 'warn');
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as { port: number }).port;
      await new Promise((resolve) => closed.close(resolve));
      // Rate limits off: they would refuse to run on a Redis they cannot reach (on purpose); APQ off, to see only the response cache.
      const env = { RESPONSE_CACHE: 'redis', REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0', PERSISTED_QUERIES: 'off' };
      const gateway = await startCountedGateway(stack, env, logger);
      try {
        const first = await gateway.query(HOME);
        expect(first.status).toBe(200);
        expect(first.json.errors).toBeUndefined();
        expect(first.headers.get('cache-control')).toBe(`public, max-age=${HOME_MAX_AGE}`);
        const perHome = gateway.subgraphRequests();
        const second = await gateway.query(HOME);
        expect(second.json.errors).toBeUndefined();
        expect(gateway.subgraphRequests()).toBe(2 * perHome);
        expect(lines.some((l) => l.msg === 'cache unavailable, treating as a miss' && String(l.cache).endsWith(':responses'))).toBe(true);
      } finally {
        await gateway.close();
      }
    });
  });
});

describe('RESPONSE_CACHE', () => {
  it('defaults to off', () => {
    expect(parseGatewayConfig({}).responseCache).toBe('off');
  });

  it('a value it does not know is a config error that names the choices', () => {
    expect(configError({ RESPONSE_CACHE: 'on' }).problems).toEqual([expect.stringMatching(/^RESPONSE_CACHE: expected one of off, memory, redis/)]);
  });

  it('redis without REDIS_URL is a config error', () => {
    expect(configError({ RESPONSE_CACHE: 'redis' }).problems).toEqual([expect.stringContaining('RESPONSE_CACHE: expected off or memory when REDIS_URL is unset')]);
    expect(parseGatewayConfig({ RESPONSE_CACHE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' }).responseCache).toBe('redis');
  });
});
