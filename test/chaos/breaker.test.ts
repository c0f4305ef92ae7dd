import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

const RESET_MS = 1_000;

describe('circuit breaker on the reviews vendor', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        REVIEWS_CACHE_TTL_MS: '0',
        REVIEWS_BREAKER_VOLUME: '4',
        REVIEWS_BREAKER_ERROR_PERCENT: '50',
        REVIEWS_BREAKER_RESET_MS: String(RESET_MS),
        // One attempt per call so the vendor's counter equals the breaker's view.
        REVIEWS_RETRY_MAX_ATTEMPTS: '1',
      },
    });
  });
  afterAll(() => stack.close());

  const reviewsBreaker = (op: string) => stack.subgraph('reviews').service.vendor!.breakerState(op);

  it('opens after the failure threshold, then fails fast without calling the vendor', async () => {
    stack.sandbox.reviews.control.setFaults({ errorRate: 1 });
    for (let i = 0; i < 4; i++) await stack.query(operation('HomeScreen'));
    expect(reviewsBreaker('ratings.batch')).toBe('open');
    expect(reviewsBreaker('reviews.batch')).toBe('open');

    stack.resetVendorStats();
    const res = await stack.query(operation('HomeScreen'));
    expect(stack.sandbox.reviews.control.stats().total).toBe(0);
    expect(res.status).toBe(200);
    expect(res.json.data.products.edges).toHaveLength(20);
    // Fast by construction: no vendor round trip at all for the reviews fields (counted above).
    expect(res.json.errors[0].extensions.code).toBe('VENDOR_UNAVAILABLE');
  });

  it('lets a trial call through after the reset window and closes on success', async () => {
    stack.sandbox.reviews.control.resetFaults();
    await new Promise((r) => setTimeout(r, RESET_MS + 200));
    expect(reviewsBreaker('ratings.batch')).toBe('halfOpen');

    stack.resetVendorStats();
    const res = await stack.query(operation('HomeScreen'));
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.products.edges[0].node.rating.count).toEqual(expect.any(Number));
    expect(stack.sandbox.reviews.control.stats().total).toBe(2);
    expect(reviewsBreaker('ratings.batch')).toBe('closed');
    expect(reviewsBreaker('reviews.batch')).toBe('closed');
  });

  it('does not open on vendor 4xx answers (the caller, not the vendor, is at fault)', async () => {
    const statuses = Array.from({ length: 12 }, () => ({ status: 404 }));
    stack.sandbox.reviews.control.setFaults({ script: statuses });
    for (let i = 0; i < 6; i++) await stack.query(operation('HomeScreen'));
    expect(reviewsBreaker('ratings.batch')).toBe('closed');
    expect(reviewsBreaker('reviews.batch')).toBe('closed');
    stack.sandbox.reviews.control.resetFaults();
  });
});
