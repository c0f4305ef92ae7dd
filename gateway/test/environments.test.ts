import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology, type TestGateway, type Topology } from '../../test/harness/testSubgraphs.js';

const INTROSPECTION = '{ __schema { queryType { name } } }';

describe.each([
  { nodeEnv: 'development', introspection: true, explorer: true },
  { nodeEnv: 'production', introspection: false, explorer: false },
])('NODE_ENV=$nodeEnv', ({ nodeEnv, introspection, explorer }) => {
  let gw: TestGateway;
  let topology: Topology;
  beforeAll(async () => {
    topology = await startTopology({ NODE_ENV: nodeEnv });
    ({ gw } = topology);
  });
  afterAll(() => topology?.close());

  it(`introspection is ${introspection ? 'on' : 'off'}`, async () => {
    const res = await gw.query(INTROSPECTION);
    if (introspection) {
      expect(res.status).toBe(200);
      expect(res.json.data.__schema.queryType.name).toBe('Query');
    } else {
      expect(res.status).toBe(400);
      expect(res.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  it(`the explorer page is ${explorer ? 'served' : 'not served'} to a browser`, async () => {
    const res = await fetch(gw.url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    const body = await res.text();
    if (explorer) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      // The gateway's own GraphiQL, not Apollo's landing page (which loads from a CDN).
      expect(body).toContain('<title>Explorer</title>');
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'sha256-/);
    } else {
      expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
    }
    expect(body).not.toContain('apollographql.com');
  });

  it(`field suggestions are ${nodeEnv === 'production' ? 'hidden' : 'shown'} in validation errors`, async () => {
    const res = await gw.query('{ thing { id } }');
    expect(res.status).toBe(400);
    if (nodeEnv === 'production') expect(res.json.errors[0].message).not.toContain('Did you mean');
    else expect(res.json.errors[0].message).toContain('Did you mean "things"?');
  });
});
