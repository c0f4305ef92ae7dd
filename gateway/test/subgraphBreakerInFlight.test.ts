import { describe, expect, it } from 'vitest';
import { scrape } from '../../test/harness/prometheusText.js';
import { sleep, startTopology, THINGS_QUERY } from '../../test/harness/testSubgraphs.js';
import { closeAfterEach } from './closeAfterEach.js';

const HELD = 8;
// Budgets no held fetch outlives: they end when their connections are destroyed, never by a timeout.
// The default threshold (3): the fetches held by a dying replica must not reach it on their own.
// Dedupe off: the premise is ${HELD} distinct fetches in flight (identical ones would share one; inFlightDedupe.test.ts covers that).
const ENV = { REQUEST_BUDGET_MS: '60000', SUBGRAPH_TIMEOUT_MS: '60000', SUBGRAPH_BREAKER_RESET_MS: '600000', SUBGRAPH_DEDUPE: 'false' };

describe('the gateway breaker, across a real subgraph whose connections all drop at once', () => {
  const track = closeAfterEach();

  it(`${HELD} fetches in flight that fail together (their connections destroyed) do not open it; the next request is answered`, async () => {
    // omega holds every request well past anything this test waits for: they end only when their sockets are destroyed.
    const t = await track(startTopology(ENV, { kind: 'slow', delayMs: 30_000 }));
    const metrics = () => scrape(new URL(t.gw.url).origin);
    const held = Array.from({ length: HELD }, () => t.gw.query(THINGS_QUERY));
    // Wait (polling, no fixed sleep) until omega is working on every one of them.
    while (t.omega.started() < HELD * 3) await sleep(10);

    // As a replica killed by SIGKILL: every connection it held is gone at the same moment.
    t.omega.http.server.closeAllConnections();
    const answers = await Promise.all(held);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.json.data.things).toHaveLength(3);
      expect(a.json.errors?.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain('SERVICE_UNAVAILABLE');
    }
    const afterDrop = await metrics();
    expect(afterDrop.value('gateway_subgraph_fetches_total', { subgraph: 'omega', outcome: 'unavailable' })).toBe(HELD);
    expect(afterDrop.value('gateway_subgraph_breaker_state', { subgraph: 'omega' })).toBe(0);

    // The subgraph (the replicas still alive) answers again: the breaker let the next fetch through.
    t.omega.setBehaviour({ kind: 'ok' });
    const next = await t.gw.query(THINGS_QUERY);
    expect(next.json.errors).toBeUndefined();
    expect(next.json.data.things.map((x: { score: number }) => x.score)).toEqual([10, 20, 30]);
    const after = await metrics();
    expect(after.value('gateway_subgraph_fetches_total', { subgraph: 'omega', outcome: 'breaker_open' })).toBe(0);
    expect(after.value('gateway_subgraph_fetches_total', { subgraph: 'omega', outcome: 'ok' })).toBe(1);
  });
});
