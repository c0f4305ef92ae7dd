import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology, THINGS_QUERY, type TestGateway, type Topology } from '../../test/harness/testSubgraphs.js';

describe('bad input at the gateway', () => {
  let gw: TestGateway;
  let topology: Topology;
  beforeAll(async () => {
    topology = await startTopology({ MAX_BODY_BYTES: '2048' });
    ({ gw } = topology);
  });
  afterAll(() => topology?.close());

  async function expectStillServing(): Promise<void> {
    const res = await gw.query(THINGS_QUERY);
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.things[2]).toEqual({ id: '3', title: 'Thing 3', score: 30 });
  }

  it('malformed query → 400 GRAPHQL_PARSE_FAILED', async () => {
    const res = await gw.query('{ things { id ');
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.json.errors[0].message).toContain('Syntax Error');
    expect(res.json.extensions.requestId).toBe(res.headers.get('x-request-id'));
    await expectStillServing();
  });

  it('unknown field → 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await gw.query('{ things { id secretField } }');
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.json.errors[0].message).toContain('secretField');
    await expectStillServing();
  });

  it('wrong variable type → 400 BAD_USER_INPUT', async () => {
    const res = await gw.post(JSON.stringify({ query: 'query Q($n: Int) { things { id } __typename @include(if: $n) }', variables: { n: 'x' } }));
    expect(res.status).toBe(400);
    expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']).toContain(res.json.errors[0].extensions.code);
    await expectStillServing();
  });

  it('unknown operation name → 400 BAD_REQUEST', async () => {
    const res = await gw.post(JSON.stringify({ query: 'query A { things { id } }', operationName: 'B' }));
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    await expectStillServing();
  });

  it('invalid JSON body → 400 BAD_REQUEST', async () => {
    const res = await gw.post('{"query": "{ things { id } }"');
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    await expectStillServing();
  });

  it('body over MAX_BODY_BYTES → 413', async () => {
    const res = await gw.post(JSON.stringify({ query: `{ things { id } } # ${'x'.repeat(4_096)}` }));
    expect(res.status).toBe(413);
    expect(res.json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    await expectStillServing();
  });

  it('unknown path → 404', async () => {
    const res = await fetch(gw.url.replace('/graphql', '/nope'));
    expect(res.status).toBe(404);
    await expectStillServing();
  });
});
