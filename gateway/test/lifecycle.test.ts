import { describe, expect, it } from 'vitest';
import { createIdentitySigner } from '../../platform/identity/createIdentitySigner.js';
import { startHttpServer } from '../../platform/http/startHttpServer.js';
import { parseGatewayConfig } from '../src/config.js';
import { createGateway } from '../src/createGateway.js';
import { SubgraphDataSource } from '../src/datasources/SubgraphDataSource.js';
import { disableApolloTelemetry } from '../src/plugins/telemetryOff.js';
import { closeAfterEach } from './closeAfterEach.js';
import {
  freshConnectionGet,
  silentLogger,
  sleep,
  startAlpha,
  startOmega,
  startTestGateway,
  testIdentityKeys,
  testSupergraph,
  THINGS_QUERY,
} from '../../test/harness/testSubgraphs.js';

const track = closeAfterEach();

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('readiness and health', () => {
  it('/readyz is 503 before start, 200 after, 503 as soon as stop begins; /healthz is always 200', async () => {
    disableApolloTelemetry(process.env);
    const alpha = await track(startAlpha());
    const omega = await track(startOmega());
    const config = parseGatewayConfig({ LOG_LEVEL: 'silent', SUBGRAPH_URLS: `alpha=${alpha.url},omega=${omega.url}` });
    const gateway = createGateway({ config, supergraphSdl: testSupergraph(), logger: silentLogger });
    const http = await startHttpServer(gateway.handler, { host: '127.0.0.1', port: 0 });
    await track({ close: () => http.close(500) });

    const status = async (path: string) => (await fetch(`${http.origin}${path}`)).status;
    expect(await status('/readyz')).toBe(503);
    expect(await status('/healthz')).toBe(200);
    const early = await fetch(`${http.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: THINGS_QUERY }) });
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('1');

    await gateway.start();
    expect(await status('/readyz')).toBe(200);
    expect(await status('/healthz')).toBe(200);

    const stopping = gateway.stop();
    expect(gateway.isReady()).toBe(false);
    expect(await status('/readyz')).toBe(503);
    expect(await status('/healthz')).toBe(200);
    await stopping;
    await gateway.stop(); // idempotent
  });

  it('refuses SUBGRAPH_URLS naming a subgraph the supergraph does not have', () => {
    const config = parseGatewayConfig({ LOG_LEVEL: 'silent', SUBGRAPH_URLS: 'alpha=http://a/graphql,zeta=http://z/graphql' });
    expect(() => createGateway({ config, supergraphSdl: testSupergraph(), logger: silentLogger })).toThrow(/"zeta", not in the supergraph/);
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight request finish with 200 while refusing new connections', async () => {
    const alpha = await track(startAlpha());
    const omega = await track(startOmega({ kind: 'slow', delayMs: 800 }));
    // The 800 ms subgraph fits startTestGateway's cold-start budget with room for a busy machine: this is about shutdown.
    const gw = await track(startTestGateway({ alpha: alpha.url, omega: omega.url }));

    const inFlight = gw.query(THINGS_QUERY);
    await waitFor(() => omega.started() > 0); // the request has reached the slow subgraph

    // What main.ts does on SIGTERM.
    gw.gateway.drain();
    expect(gw.gateway.isReady()).toBe(false);
    const t0 = performance.now();
    const GRACE_MS = 20_000;
    const closing = gw.http.close(GRACE_MS);
    await expect(freshConnectionGet(`${gw.http.origin}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.things[0]).toEqual({ id: '1', title: 'Thing 1', score: 10 });

    await closing;
    // Closed as soon as the last response was out: neither the grace period nor an idle
    // keep-alive socket held it (a bound far below the grace, not a measure of speed).
    expect(performance.now() - t0).toBeLessThan(GRACE_MS / 2);
    await gw.gateway.stop();
  });
});

describe('connections to subgraphs', () => {
  it('are kept alive: sequential requests reuse one connection per subgraph', async () => {
    const alpha = await track(startAlpha());
    const omega = await track(startOmega());
    const gw = await track(startTestGateway({ alpha: alpha.url, omega: omega.url }));
    for (let i = 0; i < 5; i += 1) {
      const res = await gw.query(THINGS_QUERY);
      expect(res.json.data.things).toHaveLength(3);
    }
    expect(alpha.requestIds).toHaveLength(5);
    expect(omega.requestIds).toHaveLength(5);
    expect(alpha.connections()).toBe(1);
    expect(omega.connections()).toBe(1);
  });
});

describe('requests the gateway makes on its own', () => {
  it('health checks run with an empty context and send no request id and no identity', async () => {
    // Without GATEWAY_IDENTITY_JWKS alpha refuses any request that carries an identity: a 200 proves none was sent.
    const alpha = await track(startAlpha({ verifyIdentity: false }));
    const identity = createIdentitySigner({ privateJwk: (await testIdentityKeys()).privateJwk });
    const source = new SubgraphDataSource({ name: 'alpha', url: alpha.url, timeoutMs: 2_000, connections: 1, logger: silentLogger, identity });
    await track(source);
    const response = await source.process({
      kind: 'health check',
      request: { query: 'query __ApolloServiceHealthCheck__ { __typename }' },
      context: {},
    } as unknown as Parameters<typeof source.process>[0]);
    expect(response.data).toEqual({ __typename: 'Query' });
    // The subgraph generated its own id: nothing was forwarded.
    expect(alpha.requestIds[0]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
