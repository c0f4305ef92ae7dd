import { describe, expect, it } from 'vitest';
import { scrape, type Exposition } from '../../../test/harness/prometheusText.js';
import { startTopology, THINGS_QUERY, type Topology } from '../../../test/harness/testSubgraphs.js';
import { closeAfterEach } from '../closeAfterEach.js';

const RESET_MS = 200;
const FAILURES = 2;
// Far above what alpha takes even on a busy machine (alpha timing out would leave omega unasked), far below the slow omega.
const ENV = { REQUEST_BUDGET_MS: '5000', SUBGRAPH_TIMEOUT_MS: '1500', SUBGRAPH_BREAKER_FAILURES: String(FAILURES), SUBGRAPH_BREAKER_RESET_MS: String(RESET_MS) };

const fetches = (e: Exposition, subgraph: string, outcome: string) => e.value('gateway_subgraph_fetches_total', { subgraph, outcome });
const timed = (e: Exposition, subgraph: string) => e.value('gateway_subgraph_fetch_duration_seconds_count', { subgraph });
const breaker = (e: Exposition, subgraph: string) => e.value('gateway_subgraph_breaker_state', { subgraph });

/** The change of each sample between two scrapes. */
function delta(before: Exposition, after: Exposition, read: (e: Exposition) => number): number {
  return read(after) - read(before);
}

describe('subgraph fetches at the gateway (gateway_subgraph_*)', () => {
  const track = closeAfterEach();
  const metricsOf = (t: Topology) => scrape(new URL(t.gw.url).origin);

  it('every subgraph starts at 0 for every outcome, its breaker closed', async () => {
    const t = await track(startTopology(ENV));
    const e = await metricsOf(t);
    for (const subgraph of ['alpha', 'omega']) {
      for (const outcome of ['ok', 'timeout', 'unavailable', 'breaker_open']) expect(fetches(e, subgraph, outcome)).toBe(0);
      expect(breaker(e, subgraph)).toBe(0);
    }
  });

  it('an answered fetch is ok, with its duration observed', async () => {
    const t = await track(startTopology(ENV));
    const before = await metricsOf(t);
    const res = await t.gw.query(THINGS_QUERY);
    expect(res.json.errors).toBeUndefined();
    const after = await metricsOf(t);
    for (const subgraph of ['alpha', 'omega']) {
      expect(delta(before, after, (e) => fetches(e, subgraph, 'ok'))).toBe(1);
      expect(delta(before, after, (e) => timed(e, subgraph))).toBe(1);
    }
  });

  it('timeouts open the breaker (gauge 2), then fetches are breaker_open and not timed; a good trial closes it (gauge 0)', async () => {
    const t = await track(startTopology(ENV, { kind: 'slow', delayMs: 5_000 }));
    const start = await metricsOf(t);
    let opened = start;
    for (let i = 0; i < FAILURES + 2 && breaker(opened, 'omega') !== 2; i++) {
      expect((await t.gw.query(THINGS_QUERY)).json.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      opened = await metricsOf(t);
    }
    expect(delta(start, opened, (e) => fetches(e, 'omega', 'timeout'))).toBe(FAILURES);
    expect(delta(start, opened, (e) => timed(e, 'omega'))).toBe(FAILURES);
    expect(breaker(opened, 'omega')).toBe(2);
    expect(breaker(opened, 'alpha')).toBe(0);

    await t.gw.query(THINGS_QUERY);
    const refused = await metricsOf(t);
    expect(delta(opened, refused, (e) => fetches(e, 'omega', 'breaker_open'))).toBe(1);
    expect(delta(opened, refused, (e) => timed(e, 'omega'))).toBe(0);
    expect(delta(opened, refused, (e) => fetches(e, 'alpha', 'ok'))).toBe(1);

    t.omega.setBehaviour({ kind: 'ok' });
    await new Promise((resolve) => setTimeout(resolve, RESET_MS + 50));
    expect((await t.gw.query(THINGS_QUERY)).json.errors).toBeUndefined();
    const closed = await metricsOf(t);
    expect(delta(refused, closed, (e) => fetches(e, 'omega', 'ok'))).toBe(1);
    expect(breaker(closed, 'omega')).toBe(0);
  });

  it('a subgraph that refuses connections is unavailable', async () => {
    const t = await track(startTopology(ENV));
    await t.omega.close();
    const before = await metricsOf(t);
    expect((await t.gw.query(THINGS_QUERY)).json.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    const after = await metricsOf(t);
    expect(delta(before, after, (e) => fetches(e, 'omega', 'unavailable'))).toBe(1);
    expect(delta(before, after, (e) => fetches(e, 'alpha', 'ok'))).toBe(1);
  });
});
