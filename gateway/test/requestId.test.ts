import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology, THINGS_QUERY, type Omega, type TestGateway, type TestSubgraph, type Topology } from '../../test/harness/testSubgraphs.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request id', () => {
  let alpha: TestSubgraph;
  let omega: Omega;
  let gw: TestGateway;
  let topology: Topology;
  beforeAll(async () => {
    topology = await startTopology();
    ({ alpha, omega, gw } = topology);
  });
  afterAll(() => topology?.close());

  it("travels from the client to every subgraph and back, in the header and in extensions", async () => {
    const res = await gw.query(THINGS_QUERY, { 'x-request-id': 'mobile-abc.123' });
    expect(res.status).toBe(200);
    expect(res.json.data.things).toHaveLength(3);
    expect(res.headers.get('x-request-id')).toBe('mobile-abc.123');
    expect(res.json.extensions.requestId).toBe('mobile-abc.123');
    expect(alpha.requestIds.at(-1)).toBe('mobile-abc.123');
    expect(omega.requestIds.at(-1)).toBe('mobile-abc.123');
  });

  it.each([
    ['too long', 'x'.repeat(200)],
    ['with spaces', 'hello world'],
    ['with a newline escape', 'abc%0d%0aSet-Cookie:x'],
  ])('replaces an unsafe id (%s) with a generated UUID', async (_why, unsafe) => {
    const res = await gw.query(THINGS_QUERY, { 'x-request-id': unsafe });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    expect(res.json.extensions.requestId).toBe(id);
    expect(alpha.requestIds.at(-1)).toBe(id);
    expect(omega.requestIds.at(-1)).toBe(id);
  });

  it('generates one when the client sends none, and a new one per request', async () => {
    const first = await gw.query(THINGS_QUERY);
    const second = await gw.query(THINGS_QUERY);
    const id = first.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    expect(first.json.extensions.requestId).toBe(id);
    expect(second.headers.get('x-request-id')).not.toBe(id);
    expect(omega.requestIds.at(-2)).toBe(id);
  });

  it('is on errors refused before execution too', async () => {
    const res = await gw.post('{not json', { 'x-request-id': 'bad-json-1' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-request-id')).toBe('bad-json-1');
    expect(res.json.errors[0].extensions).toEqual({ code: 'BAD_REQUEST', requestId: 'bad-json-1' });
  });
});
