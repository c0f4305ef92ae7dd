import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commerceProducts } from '../commerce/data.js';
import type { RunningVendor } from '../sandbox/types.js';
import { vendorFetch } from '../sandbox/vendorFetch.js';
import { createReviewsVendor } from './createReviewsVendor.js';
import { ratingFor, reviewsForProduct, type Rating, type Review } from './data.js';

let vendor: RunningVendor;
const get = (path: string, init?: RequestInit) => vendorFetch(vendor, path, init);
const json = async <T>(path: string): Promise<T> => {
  const res = await get(path);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};
const post = (body: unknown, key: string | null) =>
  get('/v2/reviews', { method: 'POST', body: JSON.stringify(body), headers: key === null ? {} : { 'idempotency-key': key } });

const ids = commerceProducts().map((p) => p.id);
const withReviews = ids.filter((id) => reviewsForProduct(id).length > 0);
const withoutReviews = ids.filter((id) => reviewsForProduct(id).length === 0);

beforeAll(async () => {
  // The default rate limit is exercised in the faults tests; here it would only add noise.
  vendor = await createReviewsVendor({ apiKey: 'test-reviews-key', rateLimit: null });
});
afterAll(async () => {
  await vendor.close();
});

describe('reviews vendor (StarPulse)', () => {
  it('wants a bearer token', async () => {
    const res = await fetch(`${vendor.url}/v2/reviews/rev_00001`, { headers: { 'x-api-key': 'test-reviews-key' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(await res.text()).toContain('StarPulse');
  });

  it('has uneven data: products without reviews and popular ones', () => {
    expect(withoutReviews.length).toBeGreaterThan(10);
    expect(ids.filter((id) => reviewsForProduct(id).length >= 30).length).toBeGreaterThan(5);
  });

  it('returns ratings in storage order, only for products with reviews', async () => {
    const asked = [withReviews[3], withoutReviews[0], withReviews[0], 'prod_nope'] as string[];
    const body = await json<{ ratings: Rating[] }>(`/v2/products/ratings?product_ids=${asked.join(',')}`);
    expect(body.ratings).toEqual([ratingFor(withReviews[0] as string), ratingFor(withReviews[3] as string)]);
    const r = body.ratings[0] as Rating;
    expect(Number.isInteger(r.average * 10)).toBe(true);
    expect(vendor.control.stats().byRoute['GET /v2/products/ratings']?.batchSizes).toContain(4);
  });

  it('caps ratings at 100 ids', async () => {
    expect((await get(`/v2/products/ratings?product_ids=${ids.slice(0, 100).join(',')}`)).status).toBe(200);
    const over = await get(`/v2/products/ratings?product_ids=${ids.slice(0, 101).join(',')}`);
    expect(over.status).toBe(400);
    expect(await over.text()).toContain('batch too large');
  });

  it('returns the newest reviews per product, at most per_product, with totals', async () => {
    const asked = [withoutReviews[0], withReviews[1], withReviews[0]] as string[];
    const body = await json<{ results: { product_id: string; total: number; reviews: Review[] }[] }>(
      `/v2/reviews?product_ids=${asked.join(',')}&per_product=3`,
    );
    expect(body.results.map((r) => r.product_id)).toEqual([withReviews[0], withReviews[1]]);
    for (const result of body.results) {
      const all = reviewsForProduct(result.product_id);
      expect(result.total).toBe(all.length);
      expect(result.reviews).toEqual(all.slice(0, 3));
      const dates = result.reviews.map((r) => r.created_at);
      expect([...dates].sort().reverse()).toEqual(dates);
    }
    const defaults = await json<{ results: { reviews: Review[] }[] }>(`/v2/reviews?product_ids=${withReviews.find((id) => reviewsForProduct(id).length > 10)}`);
    expect(defaults.results[0]?.reviews).toHaveLength(5);
  });

  it('validates per_product and the 50-id cap', async () => {
    for (const bad of ['per_product=0', 'per_product=51', 'per_product=x']) {
      expect((await get(`/v2/reviews?product_ids=prod_0001&${bad}`)).status, bad).toBe(400);
    }
    expect((await get(`/v2/reviews?product_ids=${ids.slice(0, 51).join(',')}`)).status).toBe(400);
    expect((await get('/v2/reviews')).status).toBe(400);
  });

  it('gets one review or 404', async () => {
    const first = reviewsForProduct(withReviews[0] as string)[0] as Review;
    expect(await json<Review>(`/v2/reviews/${first.id}`)).toEqual(first);
    expect((await get('/v2/reviews/rev_99999')).status).toBe(404);
  });

  describe('POST /v2/reviews', () => {
    const product = withoutReviews[1] as string;
    const review = { product_id: product, user_id: 'usr_0007', stars: 4, headline: 'Nice', text: 'Good value.' };

    it('creates once per idempotency key and replays the same answer', async () => {
      const first = await post(review, 'key-1');
      expect(first.status).toBe(201);
      const created = (await first.json()) as { review: Review };
      expect(created.review).toMatchObject(review);
      expect(created.review.id).toMatch(/^rev_\d{5}$/);

      const again = await post({ ...review }, 'key-1');
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await again.json()).toEqual(created);

      const ratings = await json<{ ratings: Rating[] }>(`/v2/products/ratings?product_ids=${product}`);
      expect(ratings.ratings).toEqual([{ product_id: product, average: 4, count: 1 }]);
      expect(await json<Review>(`/v2/reviews/${created.review.id}`)).toEqual(created.review);
    });

    it('refuses the same key with another body (409)', async () => {
      const res = await post({ ...review, stars: 5 }, 'key-1');
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('idempotency_key_reused');
    });

    it('refuses a second review by the same user of the same product (409 duplicate_review)', async () => {
      const res = await post({ ...review, headline: 'Again' }, 'key-2');
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('duplicate_review');
      const seeded = reviewsForProduct(withReviews[0] as string)[0] as Review;
      const dup = await post({ ...review, product_id: seeded.product_id, user_id: seeded.user_id }, 'key-3');
      expect(dup.status).toBe(409);
    });

    it('lists every invalid field at once (422)', async () => {
      const res = await post({ product_id: 'prod_9999', user_id: '', stars: 6, headline: 'x'.repeat(2001) }, 'key-4');
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { vendor: string; fields: { field: string }[] } };
      expect(body.error.vendor).toBe('StarPulse');
      expect(body.error.fields.map((f) => f.field).sort()).toEqual(['headline', 'product_id', 'stars', 'text', 'user_id']);
      expect((await post({ ...review, stars: 2.5 }, 'key-5')).status).toBe(422);
    });

    it('needs an idempotency key and a JSON object body (400)', async () => {
      expect((await post(review, null)).status).toBe(400);
      const notJson = await get('/v2/reviews', { method: 'POST', body: '{oops', headers: { 'idempotency-key': 'k' } });
      expect(notJson.status).toBe(400);
      expect((await post([review], 'key-6')).status).toBe(400);
    });
  });
});
