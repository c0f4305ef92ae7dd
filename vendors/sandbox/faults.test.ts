import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCommerceVendor } from '../commerce/createCommerceVendor.js';
import { createReviewsVendor } from '../reviews/createReviewsVendor.js';
import { createVendorServer } from './createVendorServer.js';
import { FaultController } from './FaultController.js';
import type { RunningVendor } from './types.js';
import { vendorFetch } from './vendorFetch.js';

let vendor: RunningVendor;
const get = (path = '/v1/products/prod_0001', init?: RequestInit) => vendorFetch(vendor, path, init);
const timed = async (fn: () => Promise<Response>): Promise<{ res: Response; ms: number }> => {
  const start = performance.now();
  const res = await fn();
  await res.arrayBuffer();
  return { res, ms: performance.now() - start };
};

beforeAll(async () => {
  vendor = await createCommerceVendor({ apiKey: 'faults-key' });
});
afterAll(async () => {
  await vendor.close();
});
beforeEach(() => {
  vendor.control.resetFaults();
  vendor.control.resetStats();
});

describe('faults', () => {
  it('latency delays every answer', async () => {
    await timed(() => get()); // warm the connection: the baseline must not pay for the TCP handshake
    const fast = await timed(() => get());
    vendor.control.setFaults({ latencyMs: 150 });
    const slow = await timed(() => get());
    expect(slow.res.status).toBe(200);
    // A lower bound only: a busy machine makes answers slower, never faster than the latency applied.
    expect(slow.ms).toBeGreaterThanOrEqual(140);
    expect(fast.res.status).toBe(200);
  });

  it('jitter stays within latency..latency+jitter', async () => {
    vendor.control.setFaults({ latencyMs: 20, jitterMs: 60 });
    for (let i = 0; i < 3; i++) {
      const { ms } = await timed(() => get());
      expect(ms).toBeGreaterThanOrEqual(15);
    }
    // Wall-clock times cannot pin the upper bound without flaking; the delays drawn can.
    const delays = new FaultController({ latencyMs: 20, jitterMs: 60 });
    for (let i = 0; i < 1000; i++) {
      const ms = delays.delayMs();
      expect(ms).toBeGreaterThanOrEqual(20);
      expect(ms).toBeLessThanOrEqual(80);
    }
  });

  it('jitter and errorRate come from a seeded PRNG: the same requests get the same answers on every run', async () => {
    const draws = (): [number, boolean][] => {
      const f = new FaultController({ jitterMs: 100, errorRate: 0.5 }, 7);
      return Array.from({ length: 20 }, () => [f.delayMs(), f.shouldFail()]);
    };
    expect(draws()).toEqual(draws());
    const statuses = async (): Promise<number[]> => {
      const fresh = await createCommerceVendor({ apiKey: 'seeded-key' });
      try {
        fresh.control.setFaults({ errorRate: 0.5 });
        const seen: number[] = [];
        for (let i = 0; i < 20; i++) {
          const res = await vendorFetch(fresh, '/v1/products/prod_0001');
          seen.push(res.status);
          await res.body?.cancel();
        }
        return seen;
      } finally {
        await fresh.close();
      }
    };
    const first = await statuses();
    expect(new Set(first)).toEqual(new Set([200, 500]));
    expect(await statuses()).toEqual(first);
  });

  it('errorRate 1 answers 500 with a body full of the vendor brand and host', async () => {
    vendor.control.setFaults({ errorRate: 1 });
    const res = await get();
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).toContain('ShopCore');
    expect(text).toContain('shopcore-api.internal');
    expect(res.headers.get('server')).toContain('ShopCore');
  });

  it('outage answers 503 with an HTML page and no Retry-After', async () => {
    vendor.control.setFaults({ outage: true });
    const res = await get();
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.text()).toContain('ShopCore');
  });

  it('checks auth before any fault, and counts refused requests', async () => {
    vendor.control.setFaults({ outage: true, script: [{ status: 429 }] });
    const res = await fetch(`${vendor.url}/v1/products`);
    expect(res.status).toBe(401);
    await res.body?.cancel();
    expect(vendor.control.faults().script).toHaveLength(1);
    expect(vendor.control.stats().calls.map((c) => c.status)).toEqual([401]);
  });

  it('rate limit answers 429 with Retry-After once the window is used up, per fixed window', async () => {
    vendor.control.setFaults({ rateLimit: { limit: 2, windowMs: 600 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await get();
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers.get('retry-after'))).toBe(1);
        expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
        expect(await res.text()).toContain('ShopCore');
      } else {
        await res.body?.cancel();
      }
    }
    expect(statuses).toEqual([200, 200, 429]);
    await new Promise((r) => setTimeout(r, 650));
    expect((await get()).status).toBe(200);
    expect(vendor.control.stats().total).toBe(4);
  });

  it('Retry-After counts whole seconds to the end of the window', async () => {
    vendor.control.setFaults({ rateLimit: { limit: 1, windowMs: 5000 } });
    await (await get()).arrayBuffer();
    const res = await get();
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(4);
    expect(retryAfter).toBeLessThanOrEqual(5);
  });

  it('a script is consumed in order, then normal answers resume', async () => {
    vendor.control.setFaults({
      script: [{ status: 503 }, { status: 429, retryAfterS: 1 }, { status: 200 }, { status: 418, body: { teapot: true } }],
    });
    const a = await get();
    expect(a.status).toBe(503);
    expect(await a.text()).toContain('ShopCore');
    const b = await get();
    expect(b.status).toBe(429);
    expect(b.headers.get('retry-after')).toBe('1');
    await b.body?.cancel();
    const c = await get(); // a bodiless 2xx entry lets the request through
    expect(c.status).toBe(200);
    expect(((await c.json()) as { id: string }).id).toBe('prod_0001');
    const d = await get();
    expect(d.status).toBe(418);
    expect(await d.json()).toEqual({ teapot: true });
    expect(vendor.control.faults().script).toEqual([]);
    expect((await get()).status).toBe(200);
  });

  it('validates faults set through the API', () => {
    expect(() => vendor.control.setFaults({ errorRate: 2 })).toThrow(/errorRate/);
    expect(() => vendor.control.setFaults({ nope: true } as never)).toThrow(/unknown key 'nope'/);
    expect(vendor.control.setFaults({ latencyMs: 5 })).toMatchObject({ latencyMs: 5, errorRate: 0 });
    expect(vendor.control.resetFaults().latencyMs).toBe(0);
  });

  it('reset returns to the vendor’s configured baseline latency', async () => {
    const slow = await createCommerceVendor({ apiKey: 'baseline-key', latencyMs: 40 });
    try {
      expect(slow.control.setFaults({ latencyMs: 0 }).latencyMs).toBe(0);
      expect(slow.control.resetFaults().latencyMs).toBe(40);
    } finally {
      await slow.close();
    }
  });

  it('rejects oversized bodies with 413', async () => {
    const res = await get('/v1/products', { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    await res.body?.cancel();
  });
});

describe('hang', () => {
  it('never answers, and close() still resolves at once', async () => {
    const hung = await createCommerceVendor({ apiKey: 'hang-key' });
    hung.control.setFaults({ hang: true });
    await expect(vendorFetch(hung, '/v1/products', { signal: AbortSignal.timeout(300) })).rejects.toThrow();

    const pending = vendorFetch(hung, '/v1/products', { signal: AbortSignal.timeout(10_000) }).then(
      () => 'answered',
      // The client's own 10 s timeout would be a TimeoutError; close() destroying the socket is not.
      (err: unknown) => (err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'cut by close'),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(hung.control.stats().calls.map((c) => c.status)).toEqual([0, 0]);
    await hung.close();
    expect(await pending).toBe('cut by close');
    await hung.close(); // idempotent
  });
});

describe('stats', () => {
  it('records route, batch size, request id and status of each call; control calls are not counted', async () => {
    await (await get('/v1/products/batch?ids=prod_0001,prod_0002,prod_0003', { headers: { 'x-request-id': 'req-abc' } })).arrayBuffer();
    await (await get('/v1/products?limit=5')).arrayBuffer();
    await (await fetch(`${vendor.url}/__sandbox/faults`)).arrayBuffer();
    await (await fetch(`${vendor.url}/__sandbox/health`)).arrayBuffer();
    const stats = vendor.control.stats();
    expect(stats.total).toBe(2);
    expect(stats.byRoute).toEqual({
      'GET /v1/products/batch': { count: 1, batchSizes: [3] },
      'GET /v1/products': { count: 1, batchSizes: [] },
    });
    expect(stats.calls[0]).toMatchObject({
      method: 'GET',
      route: 'GET /v1/products/batch',
      path: '/v1/products/batch',
      batchSize: 3,
      requestId: 'req-abc',
      status: 200,
    });
    expect(stats.calls[1]).toMatchObject({ requestId: null, batchSize: null });
    vendor.control.resetStats();
    expect(vendor.control.stats()).toEqual({ total: 0, byRoute: {}, calls: [] });
  });

  it('echoes x-request-id back', async () => {
    const res = await get('/v1/products/prod_0001', { headers: { 'x-request-id': 'req-echo' } });
    expect(res.headers.get('x-request-id')).toBe('req-echo');
    await res.body?.cancel();
  });
});

describe('reviews rate limit default', () => {
  it('starts at 100 per second per key, and reset returns to the configured default', async () => {
    const reviews = await createReviewsVendor({ apiKey: 'rl-key' });
    const limited = await createReviewsVendor({ apiKey: 'rl-key', rateLimit: { limit: 2, windowMs: 10_000 } });
    try {
      expect(reviews.control.faults().rateLimit).toEqual({ limit: 100, windowMs: 1000 });
      reviews.control.setFaults({ rateLimit: null });
      expect(reviews.control.resetFaults().rateLimit).toEqual({ limit: 100, windowMs: 1000 });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await vendorFetch(limited, '/v2/reviews/rev_00001');
        statuses.push(res.status);
        await res.body?.cancel();
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await Promise.all([reviews.close(), limited.close()]);
    }
  });
});

describe('control endpoints', () => {
  const control = (method: string, path: string, body?: string) => fetch(`${vendor.url}/__sandbox/${path}`, { method, body });

  it('reads, merges, validates and resets faults', async () => {
    expect(await (await control('GET', 'faults')).json()).toMatchObject({ latencyMs: 0, hang: false, rateLimit: null, script: [] });
    const merged = await control('PUT', 'faults', JSON.stringify({ latencyMs: 10, rateLimit: { limit: 5, windowMs: 1000 } }));
    expect(merged.status).toBe(200);
    expect(await merged.json()).toMatchObject({ latencyMs: 10, errorRate: 0, rateLimit: { limit: 5, windowMs: 1000 } });
    expect((await (await control('PUT', 'faults', '{"errorRate":0.5}')).json()) as object).toMatchObject({ latencyMs: 10, errorRate: 0.5 });
    expect(await (await control('DELETE', 'faults')).json()).toMatchObject({ latencyMs: 0, errorRate: 0, rateLimit: null });
  });

  it('answers 400 with a clear message for bad JSON, unknown keys and wrong types', async () => {
    const badJson = await control('PUT', 'faults', '{latency');
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: { type: string } }).error.type).toBe('invalid_json');

    const bad = await control('PUT', 'faults', JSON.stringify({ latency: 5, hang: 'yes', rateLimit: { limit: 0 }, script: [{ status: 99 }] }));
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { message: string; problems: string[] } };
    expect(error.problems).toHaveLength(4);
    expect(error.message).toContain("unknown key 'latency'");
    expect(error.message).toContain('hang: expected true or false, got "yes"');
    expect(error.message).toContain('rateLimit');
    expect(error.message).toContain('script[0]');
    expect((await control('PUT', 'faults', '[]')).status).toBe(400);
    expect(vendor.control.faults().hang).toBe(false);
  });

  it('serves and resets stats, health, and refuses unknown paths and methods', async () => {
    await (await get()).arrayBuffer();
    expect(((await (await control('GET', 'stats')).json()) as { total: number }).total).toBe(1);
    expect(((await (await control('DELETE', 'stats')).json()) as { total: number }).total).toBe(0);
    expect(vendor.control.stats().total).toBe(0);
    const health = await control('GET', 'health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', vendor: 'commerce' });
    expect((await control('GET', 'nope')).status).toBe(404);
    expect((await control('POST', 'faults', '{}')).status).toBe(405);
    expect(vendor.control.stats().total).toBe(0);
  });
});

describe('latency: when a route runs', () => {
  /** A vendor whose routes count their runs, with a latency no test waits out (close() ends it). */
  async function countingVendor() {
    const runs = { read: 0, write: 0, failingRead: 0, lookup: 0, serialized: 0 };
    // Counts when the answer is serialized: during the wait for a read, as its route's work is.
    const body = { ok: true, toJSON: () => ((runs.serialized += 1), { ok: true }) };
    const running = await createVendorServer(
      {
        name: 'counting',
        brand: 'Counting Co',
        internalHost: 'counting.internal',
        auth: { kind: 'header', header: 'x-api-key' },
        routes: [
          { method: 'GET', pattern: '/read', handle: () => ((runs.read += 1), { status: 200, body }) },
          { method: 'POST', pattern: '/write', handle: () => ((runs.write += 1), { status: 201, body: { ok: true } }) },
          { method: 'POST', pattern: '/lookup', reads: true, handle: () => ((runs.lookup += 1), { status: 200, body: { ok: true } }) },
          {
            method: 'GET',
            pattern: '/failing-read',
            handle: () => {
              runs.failingRead += 1;
              throw new Error('route bug');
            },
          },
        ],
      },
      { apiKey: 'counting-key', defaultFaults: { latencyMs: 60_000 } },
    );
    return { running, runs };
  }
  const settled = (p: Promise<Response>) => {
    const state = { done: false };
    p.then(
      () => (state.done = true),
      () => (state.done = true),
    );
    return state;
  };

  it("runs a read's route and serializes its answer during the wait (the latency is the vendor's whole time), and still answers only after it", async () => {
    const { running, runs } = await countingVendor();
    try {
      const answer = settled(vendorFetch(running, '/read'));
      const failing = settled(vendorFetch(running, '/failing-read'));
      const lookup = settled(vendorFetch(running, '/lookup', { method: 'POST', body: '{"ids":["a"]}' }));
      // A POST that only reads (a batch lookup) is a read too; the answer is serialized meanwhile as well.
      await vi.waitFor(() => expect(runs).toMatchObject({ read: 1, failingRead: 1, lookup: 1, serialized: 1 }));
      expect(answer.done).toBe(false);
      expect(lookup.done).toBe(false);
      // A route that throws during the wait is held for the answer too: no unhandled rejection (vitest would fail the run), no early answer.
      expect(failing.done).toBe(false);
    } finally {
      await running.close();
    }
  });

  it("runs a write's route only after the wait, so that a caller who gave up has changed nothing", async () => {
    const { running, runs } = await countingVendor();
    try {
      const answer = settled(vendorFetch(running, '/write', { method: 'POST', body: '{}' }));
      await vi.waitFor(() => expect(running.control.stats().total).toBe(1));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runs.write).toBe(0);
      expect(answer.done).toBe(false);
    } finally {
      await running.close();
    }
    expect(runs.write).toBe(0);
  });
});
