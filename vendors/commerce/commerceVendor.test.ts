import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningVendor } from '../sandbox/types.js';
import { vendorFetch } from '../sandbox/vendorFetch.js';
import { createCommerceVendor } from './createCommerceVendor.js';
import { commerceProducts, productMatches, type CommerceProduct } from './data.js';

type Page = { data: CommerceProduct[]; next_cursor: string | null; has_more: boolean };

let vendor: RunningVendor;
const get = (path: string, init?: RequestInit) => vendorFetch(vendor, path, init);
const json = async <T>(path: string): Promise<T> => {
  const res = await get(path);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};

beforeAll(async () => {
  vendor = await createCommerceVendor({ apiKey: 'test-commerce-key' });
});
afterAll(async () => {
  await vendor.close();
});
beforeEach(() => vendor.control.resetStats());

describe('commerce vendor (ShopCore)', () => {
  it('refuses a missing or wrong x-api-key with a branded 401, and counts it', async () => {
    const missing = await fetch(`${vendor.url}/v1/products`);
    expect(missing.status).toBe(401);
    expect(await missing.text()).toContain('ShopCore');
    const wrong = await fetch(`${vendor.url}/v1/products`, { headers: { 'x-api-key': 'nope' } });
    expect(wrong.status).toBe(401);
    await wrong.body?.cancel();
    const stats = vendor.control.stats();
    expect(stats.total).toBe(2);
    expect(stats.calls.map((c) => c.status)).toEqual([401, 401]);
    expect(stats.byRoute['GET /v1/products']?.count).toBe(2);
  });

  it('walks all 500 products exactly once through cursors', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await json<Page>(`/v1/products?limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      seen.push(...page.data.map((p) => p.id));
      expect(page.has_more).toBe(page.next_cursor !== null);
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== null && pages < 20);
    expect(pages).toBe(5);
    expect(seen).toEqual(commerceProducts().map((p) => p.id));
    expect(new Set(seen).size).toBe(500);
  });

  it('defaults to 20 per page and rejects limits outside 1..100 and bad cursors', async () => {
    const page = await json<Page>('/v1/products');
    expect(page.data).toHaveLength(20);
    expect(page.data[0]).toEqual(commerceProducts()[0]);
    for (const bad of ['limit=0', 'limit=101', 'limit=abc', 'limit=1&limit=2', 'cursor=zzz', 'cursor=%00%00']) {
      const res = await get(`/v1/products?${bad}`);
      expect(res.status, bad).toBe(400);
      const body = (await res.json()) as { error: { vendor: string; type: string } };
      expect(body.error.vendor).toBe('ShopCore');
    }
  });

  it('filters by category and by q, paging through the filtered set', async () => {
    const shoes = commerceProducts().filter((p) => p.category === 'shoes');
    expect(shoes.length).toBeGreaterThan(20);
    const first = await json<Page>('/v1/products?category=shoes&limit=20');
    expect(first.data).toEqual(shoes.slice(0, 20));
    const second = await json<Page>(`/v1/products?category=shoes&limit=20&cursor=${first.next_cursor}`);
    expect(second.data).toEqual(shoes.slice(20, 40));

    const leather = commerceProducts().filter((p) => productMatches(p, { q: 'LEATHER' }));
    expect(leather.length).toBeGreaterThan(0);
    const found = await json<Page>('/v1/products?q=LEATHER&limit=100');
    expect(found.data.map((p) => p.id)).toEqual(leather.slice(0, 100).map((p) => p.id));
    for (const p of found.data) expect(`${p.title} ${p.description}`.toLowerCase()).toContain('leather');

    const none = await json<Page>('/v1/products?category=spaceships');
    expect(none).toEqual({ data: [], next_cursor: null, has_more: false });
  });

  it('answers a batch in storage order, without unknown ids or duplicates, and counts its size', async () => {
    const body = await json<{ data: CommerceProduct[] }>('/v1/products/batch?ids=prod_0007,prod_0001,nope,prod_0007,prod_0499');
    expect(body.data.map((p) => p.id)).toEqual(['prod_0001', 'prod_0007', 'prod_0499']);
    expect(vendor.control.stats().byRoute['GET /v1/products/batch']?.batchSizes).toEqual([5]);
  });

  it('refuses an empty batch and one over 50 ids', async () => {
    const ids = commerceProducts().slice(0, 51).map((p) => p.id);
    const ok = await get(`/v1/products/batch?ids=${ids.slice(0, 50).join(',')}`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data: unknown[] }).data).toHaveLength(50);
    const tooMany = await get(`/v1/products/batch?ids=${ids.join(',')}`);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain('batch too large');
    const empty = await get('/v1/products/batch?ids=');
    expect(empty.status).toBe(400);
    await empty.body?.cancel();
    expect(vendor.control.stats().byRoute['GET /v1/products/batch']?.batchSizes).toEqual([50, 51, 0]);
  });

  it('gets one product, 404 for an unknown one, 404/405 for unknown routes', async () => {
    expect(await json<CommerceProduct>('/v1/products/prod_0042')).toEqual(commerceProducts()[41]);
    const missing = await get('/v1/products/prod_9999');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('ShopCore');
    const noRoute = await get('/v1/nothing');
    expect(noRoute.status).toBe(404);
    await noRoute.body?.cancel();
    const wrongMethod = await get('/v1/products', { method: 'POST', body: '{}' });
    expect(wrongMethod.status).toBe(405);
    await wrongMethod.body?.cancel();
    const badPath = await get('/v1/products/%E0%A4%A');
    expect(badPath.status).toBe(400);
    await badPath.body?.cancel();
    expect(vendor.control.stats().byRoute['GET (no route)']?.count).toBe(2); // /v1/nothing and the bad path
  });
});
