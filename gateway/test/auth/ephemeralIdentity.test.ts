import { describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../../platform/http/startHttpServer.js';
import { parseGatewayConfig } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/createGateway.js';
import { disableApolloTelemetry } from '../../src/plugins/telemetryOff.js';
import { capturingLogger } from '../capturingLogger.js';
import { COLD_START_BUDGETS } from '../../../test/harness/coldStartBudgets.js';
import { closeAfterEach } from '../closeAfterEach.js';
import { startAlpha, startOmega, testSupergraph, THINGS_QUERY, type TestSubgraph } from '../../../test/harness/testSubgraphs.js';

describe('a development gateway without GATEWAY_IDENTITY_PRIVATE_KEY', () => {
  const track = closeAfterEach();

  it('starts, warns, and forwards no identity: subgraphs without a JWKS serve anonymously, subgraphs with one refuse', async () => {
    disableApolloTelemetry(process.env);
    const { logger, lines } = capturingLogger('gateway', 'warn');
    // alpha as on a laptop (no JWKS), omega as in production (JWKS): only alpha can answer.
    const alpha: TestSubgraph = await track(startAlpha({ verifyIdentity: false }));
    const omega: TestSubgraph = await track(startOmega());
    const config = parseGatewayConfig({ LOG_LEVEL: 'warn', SUBGRAPH_URLS: `alpha=${alpha.url},omega=${omega.url}`, ...COLD_START_BUDGETS });
    expect(config.identityPrivateKey).toBeUndefined();
    const gateway: Gateway = createGateway({ config, supergraphSdl: testSupergraph(), logger });
    await track({ close: () => gateway.stop() });
    await gateway.start();
    const http: RunningHttpServer = await startHttpServer(gateway.handler, { host: '127.0.0.1', port: 0 });
    await track({ close: () => http.close(200) });

    expect(lines.join('')).toMatch(/GATEWAY_IDENTITY_PRIVATE_KEY is not set: no identity is forwarded/);

    const res = await fetch(`${http.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: THINGS_QUERY }) });
    const json = (await res.json()) as { data: { things: { title: string; score: number | null }[] }; errors: { extensions: { code: string } }[] };
    expect(json.data.things.map((t) => t.title)).toEqual(['Thing 1', 'Thing 2', 'Thing 3']);
    expect(json.data.things.every((t) => t.score === null)).toBe(true);
    expect(json.errors[0]!.extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(alpha.viewers).toEqual([null]);
    expect(omega.viewers).toHaveLength(0);
  });
});
