import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOmega, startRawServer, startTestGateway, type Omega, type TestGateway, type TestSubgraph } from '../../test/harness/testSubgraphs.js';

describe('errors in top-level extensions (Apollo Gateway’s valueCompletion)', () => {
  let alpha: TestSubgraph;
  let omega: Omega;
  let gw: TestGateway;
  beforeAll(async () => {
    // A subgraph whose answer breaks the schema (title: String! as a number) and reports no error.
    alpha = await startRawServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { things: [{ __typename: 'Thing', id: '1', title: 7 }] } }));
    });
    omega = await startOmega();
    gw = await startTestGateway({ alpha: alpha.url, omega: omega.url });
  });
  afterAll(async () => {
    await gw?.close();
    await alpha?.close();
    await omega?.close();
  });

  it('carry a registry code (not INVALID_GRAPHQL) and the public message, nothing of the subgraph’s answer', async () => {
    const res = await gw.query('{ things { id title } }');
    expect(res.status).toBe(200);
    expect(res.json.extensions.valueCompletion).toEqual([
      { message: 'Part of the service is temporarily unavailable.', path: ['things', 0, 'title'], extensions: { code: 'SERVICE_UNAVAILABLE' } },
    ]);
    expect(res.text).not.toContain('INVALID_GRAPHQL');
    expect(res.text).not.toContain('String cannot represent');
  });
});
