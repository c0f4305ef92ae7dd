import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../platform/log/createLogger.js';
import { parsePrometheusText, scrape, type Exposition } from '../../../test/harness/prometheusText.js';
import { startAlpha, startTopology, THINGS_QUERY, type Topology } from '../../../test/harness/testSubgraphs.js';
import type { SubgraphBreakerState } from '../../src/datasources/SubgraphBreaker.js';
import { SubgraphDataSource } from '../../src/datasources/SubgraphDataSource.js';
import { SubgraphUnavailableError } from '../../src/datasources/SubgraphUnavailableError.js';
import { subgraphMetrics } from '../../src/metrics/subgraphMetrics.js';
import { closeAfterEach } from '../closeAfterEach.js';

const FAILURES = 2;
// Far above what alpha takes even on a busy machine (alpha timing out would leave omega unasked), far below the slow omega.
// The window keeps the failures consecutive however long the machine takes between them.
const ENV = { REQUEST_BUDGET_MS: '5000', SUBGRAPH_TIMEOUT_MS: '1500', SUBGRAPH_BREAKER_FAILURES: String(FAILURES), SUBGRAPH_BREAKER_WINDOW_MS: '600000' };
// A reset no test outlives: the breaker stays open whatever the machine's speed.
const STAYS_OPEN = { ...ENV, SUBGRAPH_BREAKER_RESET_MS: '600000' };
// A short reset for the test that waits for it (by polling the state, never by a fixed sleep).
const REOPENS = { ...ENV, SUBGRAPH_BREAKER_RESET_MS: '500' };
const OUTCOMES = ['ok', 'timeout', 'unavailable', 'breaker_open', 'no_budget'];

const fetches = (e: Exposition, subgraph: string, outcome: string) => e.value('gateway_subgraph_fetches_total', { subgraph, outcome });
const timed = (e: Exposition, subgraph: string) => e.value('gateway_subgraph_fetch_duration_seconds_count', { subgraph });
const breaker = (e: Exposition, subgraph: string) => e.value('gateway_subgraph_breaker_state', { subgraph });
const silentLogger = createLogger({ service: 'test', level: 'silent' });

/** The change of each sample between two scrapes. */
function delta(before: Exposition, after: Exposition, read: (e: Exposition) => number): number {
  return read(after) - read(before);
}

describe('subgraph fetches at the gateway (gateway_subgraph_*)', () => {
  const track = closeAfterEach();
  const metricsOf = (t: Topology) => scrape(new URL(t.gw.url).origin);

  /** Slow omega's fetches time out until the breaker opens; returns the scrape that first saw it open (or half-open). */
  async function openOmega(t: Topology): Promise<{ start: Exposition; opened: Exposition }> {
    const start = await metricsOf(t);
    let opened = start;
    for (let i = 0; i < FAILURES + 2 && breaker(opened, 'omega') === 0; i++) {
      expect((await t.gw.query(THINGS_QUERY)).json.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      opened = await metricsOf(t);
    }
    expect(delta(start, opened, (e) => fetches(e, 'omega', 'timeout'))).toBe(FAILURES);
    expect(delta(start, opened, (e) => timed(e, 'omega'))).toBe(FAILURES);
    return { start, opened };
  }

  it('every subgraph starts at 0 for every outcome, its breaker closed', async () => {
    const t = await track(startTopology(STAYS_OPEN));
    const e = await metricsOf(t);
    for (const subgraph of ['alpha', 'omega']) {
      for (const outcome of OUTCOMES) expect(e.find('gateway_subgraph_fetches_total', { subgraph, outcome }).map((s) => s.value), `${subgraph} ${outcome}`).toEqual([0]);
      expect(breaker(e, subgraph)).toBe(0);
    }
  });

  it('an answered fetch is ok, with its duration observed', async () => {
    const t = await track(startTopology(STAYS_OPEN));
    const before = await metricsOf(t);
    const res = await t.gw.query(THINGS_QUERY);
    expect(res.json.errors).toBeUndefined();
    const after = await metricsOf(t);
    for (const subgraph of ['alpha', 'omega']) {
      expect(delta(before, after, (e) => fetches(e, subgraph, 'ok'))).toBe(1);
      expect(delta(before, after, (e) => timed(e, subgraph))).toBe(1);
    }
  });

  it('timeouts open the breaker (gauge 2), then fetches are breaker_open and not timed', async () => {
    const t = await track(startTopology(STAYS_OPEN, { kind: 'slow', delayMs: 5_000 }));
    const { opened } = await openOmega(t);
    expect(breaker(opened, 'omega')).toBe(2);
    expect(breaker(opened, 'alpha')).toBe(0);

    await t.gw.query(THINGS_QUERY);
    const refused = await metricsOf(t);
    expect(delta(opened, refused, (e) => fetches(e, 'omega', 'breaker_open'))).toBe(1);
    expect(delta(opened, refused, (e) => timed(e, 'omega'))).toBe(0);
    expect(delta(opened, refused, (e) => fetches(e, 'alpha', 'ok'))).toBe(1);
    expect(breaker(refused, 'omega')).toBe(2);
  });

  it('past its reset time an idle breaker reads half-open (1) with no fetch; a good trial closes it (0)', async () => {
    const t = await track(startTopology(REOPENS, { kind: 'slow', delayMs: 5_000 }));
    const { opened } = await openOmega(t);
    t.omega.setBehaviour({ kind: 'ok' });
    const asked = t.omega.requestIds.length;

    // No traffic at all: only the scrape reads the breaker, and it must not read open for ever.
    await vi.waitFor(async () => expect(breaker(await metricsOf(t), 'omega')).toBe(1), { timeout: 15_000, interval: 50 });
    expect(t.omega.requestIds.length).toBe(asked);

    expect((await t.gw.query(THINGS_QUERY)).json.errors).toBeUndefined();
    const closed = await metricsOf(t);
    expect(delta(opened, closed, (e) => fetches(e, 'omega', 'ok'))).toBe(1);
    expect(breaker(closed, 'omega')).toBe(0);
  });

  it('a subgraph that refuses connections is unavailable', async () => {
    const t = await track(startTopology(STAYS_OPEN));
    await t.omega.close();
    const before = await metricsOf(t);
    expect((await t.gw.query(THINGS_QUERY)).json.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    const after = await metricsOf(t);
    expect(delta(before, after, (e) => fetches(e, 'omega', 'unavailable'))).toBe(1);
    expect(delta(before, after, (e) => fetches(e, 'alpha', 'ok'))).toBe(1);
  });

  it('a fetch its spent budget kept from starting is no_budget, not a timeout: the subgraph was never asked', async () => {
    const alpha = await track(startAlpha());
    const registry = new Registry();
    const source = new SubgraphDataSource({ name: 'alpha', url: alpha.url, timeoutMs: 2_000, connections: 1, logger: silentLogger, identity: null, metrics: registry });
    await track(source);
    const fetchWith = (context: Record<string, unknown>) =>
      source.process({ kind: 'incoming operation', request: { query: '{ __typename }' }, context } as unknown as Parameters<typeof source.process>[0]);

    await expect(fetchWith({ requestId: 'spent', deadlineAt: Date.now() - 1 })).rejects.toMatchObject({ reason: 'no_budget' });
    // A client that went away says nothing about the subgraph either, and is not counted at all.
    await expect(fetchWith({ requestId: 'gone', deadlineAt: Date.now() + 60_000, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(SubgraphUnavailableError);

    const e = parsePrometheusText(await registry.metrics());
    expect(fetches(e, 'alpha', 'no_budget')).toBe(1);
    expect(fetches(e, 'alpha', 'timeout')).toBe(0);
    expect(e.sum('gateway_subgraph_fetches_total', { subgraph: 'alpha' })).toBe(1);
    expect(timed(e, 'alpha')).toBe(0);
    expect(alpha.requestIds).toEqual([]);
    expect(source.breaker.state).toBe('closed');
  });
});

describe('gateway_subgraph_breaker_state is read at scrape time', () => {
  it('reports each breaker as it is when scraped, without any event', async () => {
    const registry = new Registry();
    let reviews: SubgraphBreakerState = 'closed';
    subgraphMetrics(registry, 'reviews', () => reviews);
    subgraphMetrics(registry, 'catalog', () => 'closed');
    const states = async () => {
      const e = parsePrometheusText(await registry.metrics());
      return [breaker(e, 'reviews'), breaker(e, 'catalog')];
    };
    expect(await states()).toEqual([0, 0]);
    reviews = 'open';
    expect(await states()).toEqual([2, 0]);
    reviews = 'halfOpen';
    expect(await states()).toEqual([1, 0]);
    reviews = 'closed';
    expect(await states()).toEqual([0, 0]);
  });

  it('a later data source of the same subgraph (a new supergraph) is the one read', async () => {
    const registry = new Registry();
    subgraphMetrics(registry, 'reviews', () => 'open');
    subgraphMetrics(registry, 'reviews', () => 'closed');
    const e = parsePrometheusText(await registry.metrics());
    expect(e.find('gateway_subgraph_breaker_state')).toHaveLength(1);
    expect(breaker(e, 'reviews')).toBe(0);
  });
});
