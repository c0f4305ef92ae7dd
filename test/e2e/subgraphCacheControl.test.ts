import { readdirSync, readFileSync } from 'node:fs';
import type { ApolloServer, GraphQLRequest } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../gateway/src/config.js';
import { createGateway } from '../../gateway/src/createGateway.js';
import { disableApolloTelemetry } from '../../gateway/src/plugins/telemetryOff.js';
import { startHttpServer } from '../../platform/http/startHttpServer.js';
import { subgraphEntries } from '../../platform/registry/services.js';
import { cacheControlPlugins } from '../../subgraphs/kit/server/cacheControlPlugins.js';
import { apolloCacheControlPlugins, ask, mockedServer, subgraphSchema } from '../harness/cacheControlReference.js';
import { COLD_START_BUDGETS } from '../harness/coldStartBudgets.js';
import { silentLogger } from '../harness/testSubgraphs.js';

/**
 * The subgraphs' Cache-Control on what the gateway really sends them: every query of every
 * app build goes through a gateway to five mock subgraphs that answer with Apollo's
 * cache-control plugin (the kit's before `createCachePolicyPlanner`); each request a subgraph
 * received is then asked of the kit's plugins, which must answer the same header.
 */
describe('subgraph Cache-Control on the requests the gateway sends', () => {
  const stops: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it('the app’s queries through a gateway: every request the gateway sends a subgraph gets the same header', async () => {
    disableApolloTelemetry(process.env);
    const sent = new Map<string, { request: GraphQLRequest; apollo: string | undefined }[]>();
    const ours = new Map<string, ApolloServer>();
    const urls: string[] = [];
    for (const { name } of subgraphEntries) {
      const kit = mockedServer(subgraphSchema(name), cacheControlPlugins());
      await kit.start();
      stops.push(() => kit.stop());
      ours.set(name, kit);
      const requests: { request: GraphQLRequest; apollo: string | undefined }[] = [];
      sent.set(name, requests);
      // Apollo's plugin answers the gateway; a recorder keeps each request and the header Apollo set.
      const recorded = mockedServer(subgraphSchema(name), [
        ...apolloCacheControlPlugins(),
        {
          async requestDidStart() {
            return {
              async willSendResponse({ request, response }) {
                requests.push({ request: { query: request.query!, variables: request.variables! }, apollo: response.http.headers.get('cache-control') });
              },
            };
          },
        },
      ]);
      const { url } = await startStandaloneServer(recorded, { listen: { host: '127.0.0.1', port: 0 } });
      stops.push(() => recorded.stop());
      urls.push(`${name}=${url}`);
    }
    const gateway = createGateway({
      config: parseGatewayConfig({ GATEWAY_PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test', SUBGRAPH_URLS: urls.join(','), ...COLD_START_BUDGETS }),
      supergraphSdl: readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'),
      logger: silentLogger,
    });
    await gateway.start();
    stops.push(() => gateway.stop());
    const http = await startHttpServer(gateway.handler, { host: '127.0.0.1', port: 0 });
    stops.push(() => http.close(1_000));

    const queries = appQueries();
    expect(queries.map((q) => q.name)).toContain('HomeScreen');
    for (const { name, body } of queries) {
      const variables = Object.fromEntries([...body.matchAll(/\$(\w+): (ID|Int|String)!(?! =)/g)].map(([, v, t]) => [v, t === 'Int' ? 3 : '1']));
      const res = await fetch(`${http.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: body, variables }) });
      const json = (await res.json()) as { errors?: unknown };
      expect(json.errors, name).toBeUndefined();
    }

    let compared = 0;
    let entities = 0;
    for (const [name, requests] of sent) {
      for (const { request, apollo } of requests) {
        expect((await ask(ours.get(name)!, request)).cacheControl, `${name}: ${request.query}`).toBe(apollo);
        compared++;
        if (request.query!.includes('_entities')) entities++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(queries.length);
    expect(entities).toBeGreaterThan(0);
    // The home screen's three subgraphs, each cacheable for as long as its hints say.
    const home = (name: string) => sent.get(name)!.map((r) => r.apollo);
    expect(home('catalog')).toContain('max-age=60, public');
    expect(home('reviews')).toContain('max-age=300, public');
    expect(home('accounts')).toContain('max-age=600, public');
  });
});

/** Every query of every app build the gateway accepts (the union of the manifests). */
function appQueries(): { name: string; body: string }[] {
  const dir = new URL('../../schema/app-builds/', import.meta.url);
  const out = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const manifest = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { operations: { name: string; type: string; body: string }[] };
    for (const op of manifest.operations) if (op.type === 'query') out.set(op.body, op.name);
  }
  return [...out].map(([body, name]) => ({ name, body }));
}
