import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology, type TestGateway, type Topology } from '../../test/harness/testSubgraphs.js';

const INTROSPECTION = '{ __schema { queryType { name } } }';

describe.each([
  { nodeEnv: 'development', introspection: true, landingPage: true },
  { nodeEnv: 'production', introspection: false, landingPage: false },
])('NODE_ENV=$nodeEnv', ({ nodeEnv, introspection, landingPage }) => {
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

  it(`the sandbox explorer page is ${landingPage ? 'served' : 'not served'}`, async () => {
    const res = await fetch(gw.url, { headers: { accept: 'text/html' } });
    const body = await res.text();
    if (landingPage) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(body).toContain('sandbox');
    } else {
      expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
    }
  });

  it(`field suggestions are ${nodeEnv === 'production' ? 'hidden' : 'shown'} in validation errors`, async () => {
    const res = await gw.query('{ thing { id } }');
    expect(res.status).toBe(400);
    if (nodeEnv === 'production') expect(res.json.errors[0].message).not.toContain('Did you mean');
    else expect(res.json.errors[0].message).toContain('Did you mean "things"?');
  });
});
