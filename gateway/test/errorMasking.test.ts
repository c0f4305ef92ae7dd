import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpha, startLeakyOmega, startTestGateway, startTopology, THINGS_QUERY, type Omega, type TestGateway, type TestSubgraph, type Topology } from '../../test/harness/testSubgraphs.js';

const SECRET = 'SECRET-91c2-db-password';
const ID = { 'x-request-id': 'masking-test' };

describe('errors from a kit subgraph with a registry code', () => {
  let omega: Omega;
  let gw: TestGateway;
  let topology: Topology;
  beforeAll(async () => {
    topology = await startTopology({}, { kind: 'appError', code: 'VENDOR_UNAVAILABLE' });
    ({ omega, gw } = topology);
  });
  afterAll(() => topology?.close());

  it('reach the client with that code, the public message and the field path', async () => {
    omega.setBehaviour({ kind: 'appError', code: 'VENDOR_UNAVAILABLE' });
    const res = await gw.query(THINGS_QUERY, ID);
    expect(res.status).toBe(200);
    expect(res.json.data.things[0]).toEqual({ id: '1', title: 'Thing 1', score: null });
    expect(res.json.errors).toHaveLength(3);
    expect(res.json.errors[0]).toEqual({
      message: 'This information is temporarily unavailable.',
      path: ['things', 0, 'score'],
      extensions: { code: 'VENDOR_UNAVAILABLE' },
    });
    expect(res.text).not.toContain('omega');
    expect(res.text).not.toContain('serviceName');
  });

  it('keep safe extension fields such as retryAfterSeconds', async () => {
    omega.setBehaviour({ kind: 'appError', code: 'VENDOR_RATE_LIMITED' });
    const res = await gw.query(THINGS_QUERY, ID);
    expect(res.json.errors[2]).toEqual({
      message: 'This information is temporarily unavailable because of high demand.',
      path: ['things', 2, 'score'],
      extensions: { code: 'VENDOR_RATE_LIMITED', retryAfterSeconds: 7 },
    });
  });
});

describe('errors from a subgraph that does not mask its own', () => {
  let alpha: TestSubgraph;
  let leaky: TestSubgraph;
  let gw: TestGateway;
  beforeAll(async () => {
    alpha = await startAlpha();
    leaky = await startLeakyOmega(SECRET);
    gw = await startTestGateway({ alpha: alpha.url, omega: leaky.url });
  });
  afterAll(async () => {
    await gw?.close();
    await alpha?.close();
    await leaky?.close();
  });

  it('become INTERNAL_SERVER_ERROR with the public message: no raw message, unknown code, stack or detail', async () => {
    const res = await gw.query(THINGS_QUERY, ID);
    expect(res.status).toBe(200);
    expect(res.json.data.things.map((t: { title: string }) => t.title)).toEqual(['Thing 1', 'Thing 2', 'Thing 3']);
    expect(res.json.errors).toHaveLength(3);
    for (const [i, error] of (res.json.errors as unknown[]).entries()) {
      expect(error).toEqual({
        message: 'Something went wrong on our side.',
        path: ['things', i, 'score'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    }
    for (const leak of [SECRET, 'WEIRD_CODE', 'ECONNREFUSED', 'db.internal', 'stacktrace', 'exception', 'omega', 'serviceName']) {
      expect(res.text).not.toContain(leak);
    }
  });
});
