/**
 * `npm run bench`'s measuring parts, short: against a real stack (sandbox vendors, subgraphs
 * and gateway on loopback), the load cell must count an answer with a vendor's error as
 * partial and never as full or as throughput, and the cold cell must find the home screen's
 * three vendor hops in the sandbox's own records. The full bench (one process per service,
 * 10 s per cell) runs with `npm run bench`; no figure of speed is asserted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modeEnv } from '../../bench/homeScreen/benchModes.js';
import { classifyAnswer } from '../../bench/homeScreen/classifyAnswer.js';
import { HOME_SCREEN_HOPS, measureCold, timeline } from '../../bench/homeScreen/measureCold.js';
import { measureThroughput } from '../../bench/homeScreen/measureThroughput.js';
import { vendorCounters, type VendorCounters } from '../../bench/homeScreen/vendorCounters.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

const body = JSON.stringify({ query: operation('HomeScreen') });

describe('classifyAnswer', () => {
  it('full only with data and no errors key; partial for any error beside data; failed otherwise', () => {
    expect(classifyAnswer(200, JSON.stringify({ data: { products: { edges: [] } } }))).toBe('full');
    expect(classifyAnswer(200, JSON.stringify({ data: { products: { edges: [] } }, errors: [{ message: 'x', extensions: { code: 'VENDOR_TIMEOUT' } }] }))).toBe('partial');
    expect(classifyAnswer(200, JSON.stringify({ data: { products: { edges: [] } }, errors: [] }))).toBe('partial');
    expect(classifyAnswer(200, JSON.stringify({ data: null, errors: [{ message: 'x' }] }))).toBe('failed');
    expect(classifyAnswer(200, JSON.stringify({ data: { products: null } }))).toBe('failed');
    expect(classifyAnswer(200, '<html>502</html>')).toBe('failed');
    expect(classifyAnswer(200, 'null')).toBe('failed');
    expect(classifyAnswer(503, JSON.stringify({ data: { products: { edges: [] } } }))).toBe('failed');
  });
});

describe('timeline', () => {
  it("splits a home screen at the sandbox's arrival times, each vendor's wait taken out", () => {
    const sent = { id: 'r', start: 1_000, end: 1_190, outcome: 'full' as const, age: undefined };
    const calls = [
      { vendor: 'commerce', at: 1_004 },
      { vendor: 'reviews', at: 1_060 },
      { vendor: 'reviews', at: 1_061 },
      { vendor: 'identity', at: 1_120 },
    ];
    expect(timeline(sent, calls, 50)).toEqual({
      'client → commerce call': 4,
      'commerce answer → reviews call': 6,
      'reviews answer → identity call': 9,
      'identity answer → client': 20,
    });
    // A home screen that never reached a hop (a partial answer) has no timeline.
    expect(timeline(sent, calls.slice(0, 3), 50)).toBeUndefined();
  });
});

describe('home-screen bench cells against a real stack', () => {
  let stack: Stack;
  let counters: VendorCounters;
  const reviewsVendor = () => stack.sandbox.vendors.find((v) => v.name === 'reviews')!;

  beforeAll(async () => {
    // As the bench's batched cell: nothing cached, so every home screen reaches every vendor.
    stack = await startStack({ env: { ...modeEnv('batched'), RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0' }, logLevel: 'silent' });
    counters = vendorCounters(Object.fromEntries(stack.sandbox.vendors.map((v) => [v.name, v.url])));
    // As the bench: the reviews vendor's own quota (per second) would make a fast machine's answers partial.
    reviewsVendor().control.setFaults({ rateLimit: null });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('counts answers with the reviews vendor down as partial: none full, no throughput', async () => {
    reviewsVendor().control.setFaults({ outage: true });
    try {
      const figures = await measureThroughput({ gatewayUrl: stack.gatewayUrl, body, counters, connections: 2, durationS: 1, cachesOff: true });
      expect(figures.coldOutcome).toBe('partial');
      expect(figures.partial).toBeGreaterThan(0);
      expect(figures.full).toBe(0);
      expect(figures.fullPerSecond).toBe(0);
      expect(figures.answersPerSecond).toBeGreaterThan(0);
      // The vendor was asked: the partial answers are its outage, not a request that never left.
      expect(reviewsVendor().control.stats().total).toBeGreaterThan(0);
    } finally {
      reviewsVendor().control.setFaults({ outage: false });
    }
  });

  it('counts healthy answers as full, with the cold query counted at the vendors', async () => {
    const figures = await measureThroughput({ gatewayUrl: stack.gatewayUrl, body, counters, connections: 2, durationS: 1, cachesOff: true });
    expect(figures.coldOutcome).toBe('full');
    expect(figures.partial).toBe(0);
    expect(figures.failed).toBe(0);
    expect(figures.full).toBeGreaterThan(0);
    expect(figures.coldCalls).toMatchObject({ commerce: 1, reviews: 2, identity: 1 });
  });

  it('cold cell: each home screen reaches the three hops in order, found by its request id; the warm-up is sent, untimed', async () => {
    await counters.reset();
    // The cell resets the counters once, before the timed phase whose calls it reads.
    let beforeReset: Record<string, number> | undefined;
    const spy: VendorCounters = { ...counters, reset: async () => void ((beforeReset = await counters.totals()), await counters.reset()) };
    const cold = await measureCold({ gatewayUrl: stack.gatewayUrl, body, counters: spy, latencyMs: 0, requests: 3, warmupRequests: 4 });
    // Both timed phases are counted; the warm-up's answers are not.
    expect(cold.outcomes).toEqual({ full: 6, partial: 0, failed: 0 });
    expect(cold.warmupRequests).toBe(4);
    expect(cold.afterStart.p50).toBeGreaterThan(0);
    // One commerce call per home screen: the first, the phase right after it and the warm-up
    // (1 + 3 + 4) before the reset; the warmed-up phase and the own-time phase (3 + 3) after it.
    expect(beforeReset?.commerce).toBe(8);
    expect((await counters.totals()).commerce).toBe(6);
    expect(cold.callsPerQuery).toMatchObject({ commerce: 1, reviews: 2, identity: 1 });
    expect(cold.floorMs).toBe(0);
    expect(Object.keys(cold.stretches)).toHaveLength(HOME_SCREEN_HOPS.length + 1);
    // Each stretch is a time between two events of the same request, in the order of the plan.
    for (const ms of Object.values(cold.stretches)) expect(ms).toBeGreaterThanOrEqual(-1);
  });
});
