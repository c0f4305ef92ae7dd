import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../gateway/src/createGateway.js';
import { parseGatewayConfig } from '../../gateway/src/config.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { startHttpServer, type RunningHttpServer } from '../../platform/http/startHttpServer.js';
import { subgraphEntry, subgraphEnv, subgraphPaths } from '../../platform/registry/services.js';
import { operation } from '../harness/operations.js';
import { spawnEntry, type SpawnedEntry } from '../harness/spawnEntry.js';
import { startStack, type Stack } from '../harness/startStack.js';

/*
 * reviews runs in its own process (from its main.ts), so that it can be frozen with SIGSTOP;
 * catalog, accounts and the sandbox come from startStack; a gateway of this test points at
 * them and, through a counting HTTP proxy, at the child.
 */
const BUDGET_MS = 1_000;
const BREAKER_FAILURES = 3;
const BREAKER_RESET_MS = 3_000;
const FROZEN_REQUESTS = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Forwards HTTP to `target`, counting requests; a client that goes away takes its upstream request with it. */
async function countingProxy(target: URL): Promise<{ server: Server; url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, requests: () => requests };
}

describe('a frozen subgraph (SIGSTOP)', () => {
  let stack: Stack;
  let spawned: SpawnedEntry | undefined;
  let child: ChildProcess | undefined;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let gateway: Gateway;
  let gatewayHttp: RunningHttpServer;

  beforeAll(async () => {
    stack = await startStack();
    const vendor = stack.sandbox.vendor(subgraphEntry('reviews').vendor);
    const names = subgraphEnv('reviews');
    spawned = spawnEntry(subgraphPaths('reviews').entry, {
      [names.port]: '0',
      [names.host]: '127.0.0.1',
      [names.vendorUrl]: vendor.url,
      [names.vendorKey]: vendor.apiKey,
      GATEWAY_IDENTITY_JWKS: stack.identityKeys.publicJwks,
      LOG_LEVEL: 'info',
      // Every request reaches the vendor, so the vendor's counter sees any backlog.
      REVIEWS_CACHE_TTL_MS: '0',
    });
    const [, url] = await spawned.waitFor(/"url":"(http:\/\/[^"]+)"/);
    child = spawned.child;
    proxy = await countingProxy(new URL(url!));
    const config = parseGatewayConfig({
      GATEWAY_PORT: '0',
      LOG_LEVEL: 'silent',
      SUBGRAPH_URLS: `catalog=${stack.subgraph('catalog').url},accounts=${stack.subgraph('accounts').url},reviews=${proxy.url}`,
      GATEWAY_IDENTITY_PRIVATE_KEY: stack.identityKeys.privateJwk,
      AUTH_ISSUER: stack.sandbox.identity.url,
      REQUEST_BUDGET_MS: String(BUDGET_MS),
      SUBGRAPH_BREAKER_FAILURES: String(BREAKER_FAILURES),
      SUBGRAPH_BREAKER_RESET_MS: String(BREAKER_RESET_MS),
    });
    const supergraphSdl = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    gateway = createGateway({ config, supergraphSdl, logger: createLogger({ service: 'gateway', level: 'silent' }) });
    await gateway.start();
    gatewayHttp = await startHttpServer(gateway.handler, { host: '127.0.0.1', port: 0 });
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(10_000)]);
    }
    spawned?.kill();
    await gatewayHttp?.close(0);
    await gateway?.stop();
    proxy?.server.closeAllConnections();
    proxy?.server.close();
    await stack?.close();
  });

  const home = async () => {
    const res = await fetch(`${gatewayHttp.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: operation('HomeScreen') }),
    });
    return { status: res.status, json: (await res.json()) as { data?: any; errors?: { extensions: { code: string } }[] } }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const reviewsVendorCalls = () => stack.sandbox.reviews.control.stats().total;

  it('opens the breaker after a few requests, fails fast, runs no backlog after SIGCONT, and recovers', async () => {
    // Warm up until one complete answer: a freshly spawned subgraph on a busy machine can
    // miss the 1 s budget on its first requests (and even trip the breaker for a reset).
    let warm = await home();
    for (let tries = 0; warm.json.errors !== undefined && tries < 40; tries++) {
      await sleep(500);
      warm = await home();
    }
    expect(warm.json.errors).toBeUndefined();

    const before = proxy.requests();
    child!.kill('SIGSTOP');
    let vendorCallsWhileFrozen: number;
    try {
      for (let i = 0; i < FROZEN_REQUESTS; i++) {
        const res = await home();
        expect(res.status).toBe(200);
        // The catalog's part still arrives; the reviews part is null with a code.
        expect(res.json.data.products.edges).toHaveLength(20);
        expect(res.json.data.products.edges[0].node.rating).toBeNull();
        expect(res.json.errors?.map((e) => e.extensions.code)).toContain('SERVICE_UNAVAILABLE');
      }
      vendorCallsWhileFrozen = reviewsVendorCalls();
    } finally {
      child!.kill('SIGCONT');
    }
    // Only the fetches that opened the breaker reached the frozen subgraph; the rest failed fast at the gateway.
    const reachedWhileFrozen = proxy.requests() - before;
    expect(reachedWhileFrozen).toBeGreaterThanOrEqual(BREAKER_FAILURES);
    expect(reachedWhileFrozen).toBeLessThan(FROZEN_REQUESTS);
    expect(reachedWhileFrozen).toBeLessThanOrEqual(BREAKER_FAILURES + 1);

    // Resumed: the requests it holds were abandoned by the gateway, so none reaches the vendor.
    await sleep(1_500);
    expect(reviewsVendorCalls() - vendorCallsWhileFrozen).toBe(0);

    // After the reset period one trial goes through, succeeds, and the breaker closes.
    const deadline = Date.now() + 30_000;
    let recovered = false;
    while (!recovered && Date.now() < deadline) {
      await sleep(250);
      recovered = (await home()).json.errors === undefined;
    }
    expect(recovered).toBe(true);
    const after = await home();
    expect(after.json.errors).toBeUndefined();
    expect(after.json.data.products.edges[0].node.rating).not.toBeNull();
  }, 120_000);
});
