import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation } from '../harness/operations.js';
import { scrape, type Exposition } from '../harness/prometheusText.js';
import { spawnEntry } from '../harness/spawnEntry.js';
import { startStack, type Stack } from '../harness/startStack.js';

/*
 * The kit's vendor and cache metrics across real boundaries: the whole stack on port 0, the
 * app's home screen through the gateway, each subgraph's own GET /metrics scraped over HTTP,
 * and the sandbox's own counters as the truth the metrics must agree with.
 */

/** Each read the home screen makes: the subgraph that makes it, its vendor, its operation and the sandbox route it lands on. */
const HOME_SCREEN_READS = [
  { subgraph: 'catalog', vendor: 'commerce', operation: 'products.list', route: 'GET /v1/products' },
  { subgraph: 'reviews', vendor: 'reviews', operation: 'ratings.batch', route: 'GET /v2/products/ratings' },
  { subgraph: 'reviews', vendor: 'reviews', operation: 'reviews.batch', route: 'GET /v2/reviews' },
  { subgraph: 'accounts', vendor: 'identity', operation: 'users.lookup', route: 'POST /api/users/lookup' },
] as const;
const REVIEW_READS = HOME_SCREEN_READS.filter((r) => r.subgraph === 'reviews');

/** The caches the home screen reads, each with the sandbox route its misses are sent to (a miss is one key of a batch). */
const HOME_SCREEN_CACHES = [
  { subgraph: 'catalog', cache: 'catalog:list', route: 'GET /v1/products' },
  { subgraph: 'reviews', cache: 'reviews:rating', route: 'GET /v2/products/ratings' },
  { subgraph: 'reviews', cache: 'reviews:top:3', route: 'GET /v2/reviews' },
  { subgraph: 'accounts', cache: 'accounts:user', route: 'POST /api/users/lookup' },
] as const;

type Scrapes = Record<string, Exposition>;

async function scrapeAll(stack: Stack, subgraphs: readonly string[] = ['catalog', 'reviews', 'accounts']): Promise<Scrapes> {
  const entries = await Promise.all(subgraphs.map(async (name) => [name, await scrape(stack.subgraph(name).http.origin)] as const));
  return Object.fromEntries(entries);
}

/** How much `name{labels}` of `subgraph` rose between two scrapes. */
function delta(before: Scrapes, after: Scrapes, subgraph: string, name: string, labels: Record<string, string>): number {
  return after[subgraph]!.sum(name, labels) - before[subgraph]!.sum(name, labels);
}

function routeCount(stack: Stack, vendor: string, route: string): number {
  return stack.sandbox.vendor(vendor).control.stats().byRoute[route]?.count ?? 0;
}

function routeKeys(stack: Stack, vendor: string, route: string): number {
  return (stack.sandbox.vendor(vendor).control.stats().byRoute[route]?.batchSizes ?? []).reduce((a, b) => a + b, 0);
}

describe('vendor metrics: the home screen, cold then warm', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('every subgraph serves its own /metrics, labelled with its name', async () => {
    for (const name of ['catalog', 'reviews', 'accounts', 'payments', 'notifications']) {
      const m = await scrape(stack.subgraph(name).http.origin);
      const services = new Set(m.samples.map((s) => s.labels.service));
      expect([...services], name).toEqual([name]);
    }
    // The operations are there before their first call, with their budget.
    const reviews = await scrape(stack.subgraph('reviews').http.origin);
    expect(reviews.value('vendor_breaker_state', { vendor: 'reviews', operation: 'ratings.batch' })).toBe(0);
    expect(reviews.value('vendor_sla_budget_seconds', { vendor: 'reviews', operation: 'ratings.batch' })).toBeGreaterThan(0);
  });

  it('a cold home screen: one ok call per vendor read, as the vendors counted, and a miss per key they were sent', async () => {
    stack.resetVendorStats();
    const before = await scrapeAll(stack);
    const res = await stack.query(operation('HomeScreen'));
    expect(res.json.errors).toBeUndefined();
    const after = await scrapeAll(stack);

    for (const read of HOME_SCREEN_READS) {
      const labels = { vendor: read.vendor, operation: read.operation };
      const calls = routeCount(stack, read.vendor, read.route);
      expect(calls, read.operation).toBeGreaterThan(0);
      expect(delta(before, after, read.subgraph, 'vendor_calls_total', { ...labels, outcome: 'ok' }), read.operation).toBe(calls);
      expect(delta(before, after, read.subgraph, 'vendor_calls_total', labels), read.operation).toBe(calls);
      expect(delta(before, after, read.subgraph, 'vendor_call_duration_seconds_count', labels), read.operation).toBe(calls);
    }
    for (const c of HOME_SCREEN_CACHES) {
      const vendor = HOME_SCREEN_READS.find((r) => r.route === c.route)!.vendor;
      // A listing page is one key; a batch's keys are what the sandbox saw in it.
      const sent = c.cache === 'catalog:list' ? routeCount(stack, vendor, c.route) : routeKeys(stack, vendor, c.route);
      expect(sent, c.cache).toBeGreaterThan(0);
      expect(delta(before, after, c.subgraph, 'cache_lookups_total', { cache: c.cache, result: 'miss' }), c.cache).toBe(sent);
      expect(delta(before, after, c.subgraph, 'cache_lookups_total', { cache: c.cache, result: 'hit' }), c.cache).toBe(0);
    }
    expect(delta(before, after, 'reviews', 'cache_lookups_total', { cache: 'reviews:rating', result: 'miss' })).toBe(20);
  });

  it('the same home screen again: hits for what the first one missed, and no vendor call at all', async () => {
    const cold = await scrapeAll(stack);
    stack.resetVendorStats();
    const res = await stack.query(operation('HomeScreen'));
    expect(res.json.errors).toBeUndefined();
    const warm = await scrapeAll(stack);

    for (const vendor of ['commerce', 'reviews', 'identity']) expect(stack.sandbox.vendor(vendor).control.stats().total, vendor).toBe(0);
    for (const name of ['catalog', 'reviews', 'accounts']) {
      expect(delta(cold, warm, name, 'vendor_calls_total', {}), name).toBe(0);
      expect(delta(cold, warm, name, 'cache_lookups_total', { result: 'miss' }), name).toBe(0);
    }
    // As many hits as the cold query had misses.
    for (const c of HOME_SCREEN_CACHES) {
      const missedCold = cold[c.subgraph]!.value('cache_lookups_total', { cache: c.cache, result: 'miss' });
      expect(delta(cold, warm, c.subgraph, 'cache_lookups_total', { cache: c.cache, result: 'hit' }), c.cache).toBe(missedCold);
    }
  });
});

describe('vendor metrics: a slow vendor, then a failing one', () => {
  const DEADLINE_MS = 200;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        // Every query reaches the vendor, one attempt per call: the sandbox's count is the metrics' count.
        REVIEWS_CACHE_TTL_MS: '0',
        REVIEWS_RETRY_MAX_ATTEMPTS: '1',
        REVIEWS_VENDOR_DEADLINE_MS: String(DEADLINE_MS),
        REVIEWS_BREAKER_VOLUME: '4',
        // Once open, it stays open for the rest of the file.
        REVIEWS_BREAKER_RESET_MS: '600000',
      },
    });
  });
  afterAll(() => stack.close());

  it("a vendor slower than its deadline: a timeout and an SLA miss per call it was sent", async () => {
    stack.sandbox.reviews.control.setFaults({ latencyMs: DEADLINE_MS * 10 });
    stack.resetVendorStats();
    const before = await scrapeAll(stack, ['reviews']);
    const res = await stack.query(operation('HomeScreen'));
    expect(res.json.data.products.edges).toHaveLength(20);
    expect(res.json.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain('VENDOR_TIMEOUT');
    const after = await scrapeAll(stack, ['reviews']);
    stack.sandbox.reviews.control.resetFaults();

    for (const read of REVIEW_READS) {
      const labels = { vendor: 'reviews', operation: read.operation };
      const calls = routeCount(stack, 'reviews', read.route);
      expect(calls, read.operation).toBe(1);
      expect(delta(before, after, 'reviews', 'vendor_calls_total', { ...labels, outcome: 'timeout' }), read.operation).toBe(calls);
      expect(delta(before, after, 'reviews', 'vendor_sla_misses_total', labels), read.operation).toBe(calls);
      expect(after.reviews!.value('vendor_sla_budget_seconds', labels)).toBe(DEADLINE_MS / 1000);
    }
  });

  it('a failing vendor: server outcomes until the breaker opens (state 2, opened once), then breaker_open without a vendor call', async () => {
    const reviews = stack.subgraph('reviews').service.vendor!;
    stack.sandbox.reviews.control.setFaults({ errorRate: 1 });
    stack.resetVendorStats();
    const before = await scrapeAll(stack, ['reviews']);
    for (let i = 0; i < 10 && REVIEW_READS.some((r) => reviews.breakerState(r.operation) !== 'open'); i++) await stack.query(operation('HomeScreen'));
    const opened = await scrapeAll(stack, ['reviews']);
    for (const read of REVIEW_READS) {
      const labels = { vendor: 'reviews', operation: read.operation };
      expect(reviews.breakerState(read.operation)).toBe('open');
      expect(delta(before, opened, 'reviews', 'vendor_calls_total', { ...labels, outcome: 'server' }), read.operation).toBe(routeCount(stack, 'reviews', read.route));
      expect(opened.reviews!.value('vendor_breaker_state', labels)).toBe(2);
      expect(opened.reviews!.value('vendor_breaker_opens_total', labels)).toBe(1);
    }

    stack.resetVendorStats();
    const res = await stack.query(operation('HomeScreen'));
    expect(res.json.data.products.edges).toHaveLength(20);
    expect(stack.sandbox.reviews.control.stats().total).toBe(0);
    const refused = await scrapeAll(stack, ['reviews']);
    for (const read of REVIEW_READS) {
      const labels = { vendor: 'reviews', operation: read.operation };
      // One batch call per operation for the 20 products, refused by the open breaker and not timed.
      expect(delta(opened, refused, 'reviews', 'vendor_calls_total', { ...labels, outcome: 'breaker_open' }), read.operation).toBe(1);
      expect(delta(opened, refused, 'reviews', 'vendor_calls_total', labels), read.operation).toBe(1);
      expect(delta(opened, refused, 'reviews', 'vendor_call_duration_seconds_count', labels), read.operation).toBe(0);
      expect(refused.reviews!.value('vendor_breaker_opens_total', labels)).toBe(1);
    }
  });
});

describe('vendor metrics: stale values served during an outage', () => {
  const TTL_MS = 150;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { REVIEWS_CACHE_TTL_MS: String(TTL_MS), REVIEWS_CACHE_MAX_STALE_MS: '600000', REVIEWS_BREAKER_VOLUME: '1000' } });
  });
  afterAll(() => stack.close());

  it('counts each stale rating and review page served instead of an error', async () => {
    const fresh = await stack.query(operation('HomeScreen'));
    expect(fresh.json.errors).toBeUndefined();
    // Past the TTL (not past max-stale): the next read asks the vendor, and it is down.
    await new Promise((r) => setTimeout(r, TTL_MS + 100));
    stack.sandbox.reviews.control.setFaults({ outage: true });
    stack.resetVendorStats();
    const before = await scrapeAll(stack, ['reviews']);
    const stale = await stack.query(operation('HomeScreen'));
    const after = await scrapeAll(stack, ['reviews']);

    expect(stale.json.errors).toBeUndefined();
    expect(stale.json.data).toEqual(fresh.json.data);
    for (const read of REVIEW_READS) {
      const cache = HOME_SCREEN_CACHES.find((c) => c.route === read.route)!.cache;
      // Every key the vendor was asked for (and failed) was served stale.
      const asked = routeKeys(stack, 'reviews', read.route);
      expect(asked, cache).toBe(20);
      expect(delta(before, after, 'reviews', 'cache_lookups_total', { cache, result: 'miss' }), cache).toBe(asked);
      expect(delta(before, after, 'reviews', 'cache_stale_served_total', { cache }), cache).toBe(asked);
      expect(delta(before, after, 'reviews', 'vendor_calls_total', { vendor: 'reviews', operation: read.operation, outcome: 'ok' }), cache).toBe(0);
    }
  });
});

describe('vendor metrics: the workers, on METRICS_PORT', () => {
  const WORKERS: { entry: string; service: string; env: Record<string, string>; vendors: string[] }[] = [
    { entry: 'subgraphs/payments/worker/main.ts', service: 'payments-worker', env: { PAYMENTS_DATA_DIR: 'memory://' }, vendors: ['payments'] },
    { entry: 'subgraphs/notifications/worker/main.ts', service: 'notifications-worker', env: { NOTIFICATIONS_DATA_DIR: 'memory://' }, vendors: ['fcm', 'fcm-oauth', 'apns'] },
  ];

  it.each(WORKERS)('$service serves its own registry (vendor series, process metrics) and closes it on SIGTERM', async ({ entry, service, env, vendors }) => {
    const worker = spawnEntry(entry, { ...env, METRICS_PORT: '0', LOG_LEVEL: 'info' });
    try {
      const [, origin] = (await worker.waitFor(/"metrics":"(http:[^"]+)\/metrics"/)) as [string, string];
      const m = await scrape(origin);
      expect(new Set(m.samples.map((s) => s.labels.service))).toEqual(new Set([service]));
      for (const vendor of vendors) expect(m.find('vendor_breaker_state', { vendor }).length, vendor).toBeGreaterThan(0);
      // Its process is its own: it reports CPU and memory, unlike the subgraphs of an in-process stack.
      expect(m.find('process_cpu_user_seconds_total')).toHaveLength(1);
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);

      process.kill(worker.pid, 'SIGTERM');
      expect(await worker.exited()).toEqual({ code: 0, signal: null });
      await expect(fetch(`${origin}/metrics`)).rejects.toThrow();
    } finally {
      worker.kill();
    }
  }, 120_000);
});
