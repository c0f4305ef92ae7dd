import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findLeaks } from '../harness/leaks.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

describe('reviews vendor down', () => {
  let stack: Stack;
  beforeAll(async () => {
    // No cache for reviews, so every query really needs the vendor.
    stack = await startStack({ env: { REVIEWS_CACHE_TTL_MS: '0', REVIEWS_BREAKER_VOLUME: '1000' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.sandbox.reviews.control.resetFaults();
    stack.resetVendorStats();
  });

  it('still returns products, with rating and reviews null and a VENDOR_UNAVAILABLE error, HTTP 200', async () => {
    stack.sandbox.reviews.control.setFaults({ outage: true });
    const res = await stack.query(operation('HomeScreen'));

    expect(res.status).toBe(200);
    const edges = res.json.data.products.edges;
    expect(edges).toHaveLength(20);
    for (const { node } of edges) {
      expect(node.name).toEqual(expect.any(String));
      expect(node.price.amount).toMatch(/^\d+\.\d{2}$/);
      expect(node.rating).toBeNull();
      expect(node.reviews).toBeNull();
    }
    expect(res.json.errors.length).toBeGreaterThan(0);
    for (const error of res.json.errors) {
      expect(error.extensions.code).toBe('VENDOR_UNAVAILABLE');
      expect(error.path[0]).toBe('products');
      expect(['rating', 'reviews']).toContain(error.path.at(-1));
    }
    // The vendor really was asked (and refused), so this is the failure path, not a cache.
    expect(stack.sandbox.reviews.control.stats().total).toBeGreaterThan(0);
  });

  it('leaks no vendor name, URL, key or body, whatever the failure', async () => {
    const faults = [{ outage: true }, { errorRate: 1 }, { script: [{ status: 502, body: { error: 'StarPulse upstream at starpulse.internal' } }] }];
    for (const fault of faults) {
      stack.sandbox.reviews.control.resetFaults();
      stack.sandbox.reviews.control.setFaults(fault);
      const res = await stack.query(operation('HomeScreen'));
      expect(res.status).toBe(200);
      expect(findLeaks(res.text, stack.sandbox)).toEqual([]);
      expect(res.text).not.toMatch(/StarPulse|starpulse|upstream|HTTP 5\d\d/);
    }
  });

  it('answers malformed vendor data with VENDOR_UNAVAILABLE instead of wrong data', async () => {
    stack.sandbox.reviews.control.setFaults({
      script: [
        { status: 200, body: { ratings: [{ product_id: 42, average: 'five' }] } },
        { status: 200, body: { results: 'nope' } },
      ],
    });
    const res = await stack.query(operation('HomeScreen'));
    expect(res.status).toBe(200);
    expect(res.json.data.products.edges).toHaveLength(20);
    const codes = new Set(res.json.errors.map((e: { extensions: { code: string } }) => e.extensions.code));
    expect(codes).toEqual(new Set(['VENDOR_UNAVAILABLE']));
    expect(findLeaks(res.text, stack.sandbox)).toEqual([]);
  });
});
