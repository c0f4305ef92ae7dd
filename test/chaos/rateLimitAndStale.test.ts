import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeaks } from '../harness/leaks.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

type GraphQLError = { extensions: { code: string; retryAfterSeconds?: number } };

describe('vendor rate limiting (429 with Retry-After)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { REVIEWS_CACHE_TTL_MS: '0', REVIEWS_BREAKER_VOLUME: '1000' } });
  });
  afterAll(() => stack.close());

  it('stops calling the vendor until Retry-After has passed, and tells the client when to retry', async () => {
    // Two calls per window: the first query uses both, the next one is refused with Retry-After.
    stack.sandbox.reviews.control.setFaults({ rateLimit: { limit: 2, windowMs: 4_000 } });
    stack.resetVendorStats();

    const first = await stack.query(operation('HomeScreen'));
    expect(first.json.errors).toBeUndefined();

    const limited = await stack.query(operation('HomeScreen'));
    expect(limited.status).toBe(200);
    expect(limited.json.data.products.edges).toHaveLength(20);
    const codes = new Set(limited.json.errors.map((e: GraphQLError) => e.extensions.code));
    expect(codes).toEqual(new Set(['VENDOR_RATE_LIMITED']));
    const retryAfter = limited.json.errors[0].extensions.retryAfterSeconds;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(4);
    expect(findLeaks(limited.text, stack.sandbox)).toEqual([]);

    const afterLimited = stack.sandbox.reviews.control.stats().total;
    // Hammering the gateway must not hammer the vendor while it asked us to wait.
    for (let i = 0; i < 5; i++) {
      const res = await stack.query(operation('HomeScreen'));
      expect(res.json.errors[0].extensions.code).toBe('VENDOR_RATE_LIMITED');
    }
    expect(stack.sandbox.reviews.control.stats().total).toBe(afterLimited);
  });

  it('calls the vendor again once Retry-After has passed', async () => {
    stack.sandbox.reviews.control.resetFaults();
    stack.sandbox.reviews.control.setFaults({ rateLimit: null });
    // The gate is still closed until the vendor's window ends (at most 4 s after it opened).
    await new Promise((r) => setTimeout(r, 4_100));
    const res = await stack.query(operation('HomeScreen'));
    expect(res.json.errors).toBeUndefined();
  });
});

describe('stale cache while the vendor fails', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { REVIEWS_CACHE_TTL_MS: '150', REVIEWS_CACHE_MAX_STALE_MS: '60000', REVIEWS_BREAKER_VOLUME: '1000' } });
  });
  afterAll(() => stack.close());

  it('serves the last good rating and reviews, without errors, after the TTL while the vendor is down', async () => {
    const fresh = await stack.query(operation('HomeScreen'));
    expect(fresh.json.errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 250));

    stack.sandbox.reviews.control.setFaults({ outage: true });
    stack.resetVendorStats();
    const stale = await stack.query(operation('HomeScreen'));
    expect(stale.status).toBe(200);
    expect(stale.json.errors).toBeUndefined();
    expect(stale.json.data).toEqual(fresh.json.data);
    // The entries were expired, so the vendor was tried (and failed) before stale data was served.
    expect(stack.sandbox.reviews.control.stats().total).toBeGreaterThan(0);
    stack.sandbox.reviews.control.resetFaults();
  });
});
