import { describe, expect, it } from 'vitest';
import { closeAfterEach } from './closeAfterEach.js';
import {
  portOf,
  startAlpha,
  startOmega,
  startRawServer,
  startTestGateway,
  THINGS_QUERY,
  type GatewayResponse,
  type TestGateway,
  type TestSubgraph,
} from '../../test/harness/testSubgraphs.js';

const SECRET = 'SECRET-7f3a-internal-marker';
// A fixed request id keeps the response text free of random digits that could match a port by chance.
const ID = { 'x-request-id': 'partial-results-test' };

/** The other subgraph's fields are null, the rest is there, and one error says SERVICE_UNAVAILABLE. */
function expectPartial(res: GatewayResponse): void {
  expect(res.status).toBe(200);
  expect(res.json.data.things).toEqual([
    { id: '1', title: 'Thing 1', score: null },
    { id: '2', title: 'Thing 2', score: null },
    { id: '3', title: 'Thing 3', score: null },
  ]);
  expect(res.json.errors).toHaveLength(1);
  expect(res.json.errors[0]).toEqual({
    message: 'Part of the service is temporarily unavailable.',
    extensions: { code: 'SERVICE_UNAVAILABLE' },
  });
}

function expectNoLeak(text: string, secrets: string[]): void {
  for (const secret of ['127.0.0.1', 'localhost', 'omega', 'ECONNREFUSED', 'fetch failed', 'stacktrace', 'serviceName', ...secrets]) {
    expect(text, `response leaks ${secret}`).not.toContain(secret);
  }
}

describe('when a subgraph fails, the client still gets everything else', () => {
  const track = closeAfterEach();

  it('connection refused → 200, partial data, SERVICE_UNAVAILABLE, nothing about the subgraph', async () => {
    const alpha = await track(startAlpha());
    const omega = await track(startOmega());
    const gw: TestGateway = await track(startTestGateway({ alpha: alpha.url, omega: omega.url }));

    const healthy = await gw.query(THINGS_QUERY, ID);
    expect(healthy.json.data.things[1]).toEqual({ id: '2', title: 'Thing 2', score: 20 });

    await omega.close();
    const res = await gw.query(THINGS_QUERY, ID);
    expectPartial(res);
    expectNoLeak(res.text, [`:${portOf(omega.url)}`, portOf(omega.url)]);
  });

  it('500 with an HTML body → its content never reaches the client', async () => {
    const alpha = await track(startAlpha());
    const broken: TestSubgraph = await track(
      startRawServer((_req, res) => {
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end(`<html><body><h1>Internal Server Error</h1><pre>${SECRET} at /srv/app.js</pre></body></html>`);
      }),
    );
    const gw = await track(startTestGateway({ alpha: alpha.url, omega: broken.url }));
    const res = await gw.query(THINGS_QUERY, ID);
    expectPartial(res);
    expectNoLeak(res.text, [SECRET, 'Internal Server Error', '500', 'html', portOf(broken.url)]);
  });

  it('502 with a JSON body, and 200 with something that is not GraphQL → SERVICE_UNAVAILABLE', async () => {
    const alpha = await track(startAlpha());
    let answer = 0;
    const weird = await track(
      startRawServer((_req, res) => {
        answer += 1;
        res.writeHead(answer === 1 ? 502 : 200, { 'content-type': 'application/json' });
        res.end(answer === 1 ? JSON.stringify({ error: SECRET, upstream: 'http://10.0.0.7:9000' }) : JSON.stringify({ hello: SECRET }));
      }),
    );
    const gw = await track(startTestGateway({ alpha: alpha.url, omega: weird.url }));
    for (let i = 0; i < 2; i += 1) {
      const res = await gw.query(THINGS_QUERY, ID);
      expectPartial(res);
      expectNoLeak(res.text, [SECRET, '10.0.0.7', '502']);
    }
  });

  it('a subgraph slower than SUBGRAPH_TIMEOUT_MS → the answer comes within the timeout', async () => {
    const alpha = await track(startAlpha());
    const omega = await track(startOmega({ kind: 'slow', delayMs: 5_000 }));
    const gw = await track(startTestGateway({ alpha: alpha.url, omega: omega.url }, { SUBGRAPH_TIMEOUT_MS: '300' }));
    const t0 = performance.now();
    const res = await gw.query(THINGS_QUERY, ID);
    const ms = performance.now() - t0;
    expectPartial(res);
    // The timeout applied: it waited for it (at least), and did not wait for the 5 s subgraph.
    expect(ms).toBeGreaterThanOrEqual(280);
    expect(ms).toBeLessThan(5_000);
  });
});
