import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commerceProducts, productMatches } from '../../vendors/commerce/data.js';
import { userById } from '../../vendors/identity/data.js';
import { ratingFor, reviewsForProduct } from '../../vendors/reviews/data.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

interface HomeReview {
  rating: number;
  body: string;
  author: { displayName: string; avatarUrl: string | null } | null;
}
interface HomeNode {
  id: string;
  name: string;
  price: { amount: string; currency: string };
  imageUrl: string;
  rating: { average: number | null; count: number } | null;
  reviews: HomeReview[];
}

const cents = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

describe('the home-screen query', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('costs one call per vendor endpoint on a cold cache: commerce 1, reviews ≤ 2, identity 1', async () => {
    stack.resetVendorStats();
    const res = await stack.query(operation('HomeScreen'));
    expect(res.json.errors).toBeUndefined();

    expect(stack.sandbox.commerce.control.stats().total).toBe(1);
    expect(stack.sandbox.reviews.control.stats().total).toBeLessThanOrEqual(2);
    expect(stack.sandbox.identity.control.stats().total).toBe(1);
  });

  it('costs no vendor call at all on a warm cache', async () => {
    stack.resetVendorStats();
    const res = await stack.query(operation('HomeScreen'));
    expect(res.json.errors).toBeUndefined();
    for (const vendor of stack.sandbox.vendors) {
      expect(vendor.control.stats().total, vendor.name).toBe(0);
    }
  });

  it('returns 20 products with their rating and newest 3 reviews with authors, exactly as the vendors hold them', async () => {
    const res = await stack.query(operation('HomeScreen'));
    expect(res.status).toBe(200);
    const { edges, pageInfo } = res.json.data.products;
    expect(edges).toHaveLength(20);
    expect(pageInfo.hasNextPage).toBe(true);
    expect(pageInfo.endCursor).toEqual(expect.any(String));

    const expected = commerceProducts().slice(0, 20);
    let withoutReviews = 0;
    edges.forEach(({ node }: { node: HomeNode }, i: number) => {
      const product = expected[i]!;
      expect(node.id).toBe(product.id);
      expect(node.name).toBe(product.title);
      expect(node.price).toEqual({ amount: cents(product.price_cents), currency: product.currency });
      expect(node.imageUrl).toBe(product.image_url);

      const rating = ratingFor(product.id);
      expect(node.rating).toEqual(rating ? { average: rating.average, count: rating.count } : { average: null, count: 0 });
      if (!rating) withoutReviews++;

      const reviews = reviewsForProduct(product.id).slice(0, 3);
      expect(node.reviews).toHaveLength(reviews.length);
      node.reviews.forEach((review, j) => {
        const source = reviews[j]!;
        const author = userById(source.user_id)!;
        expect(review).toEqual({
          rating: source.stars,
          body: source.text,
          author: { displayName: author.name, avatarUrl: author.picture },
        });
      });
    });
    // The seed keeps at least one product without reviews on the first page.
    expect(withoutReviews).toBeGreaterThan(0);
  });

  it('pages through a filtered listing with cursors, every product exactly once', async () => {
    const expected = commerceProducts().filter((p) => productMatches(p, { category: 'shoes' })).map((p) => p.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res = await stack.query(operation('BrowseCategory'), { category: 'shoes', first: 7, after });
      expect(res.json.errors).toBeUndefined();
      const { edges, pageInfo } = res.json.data.products;
      seen.push(...edges.map((e: { node: { id: string; category: string } }) => e.node.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  it('resumes from any edge cursor, not only the end of a page', async () => {
    const first = await stack.query(operation('BrowseCategory'), { first: 10 });
    const third = first.json.data.products.edges[2];
    const resumed = await stack.query(operation('BrowseCategory'), { first: 4, after: third.cursor });
    const ids = resumed.json.data.products.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids).toEqual(commerceProducts().slice(3, 7).map((p) => p.id));
  });

  it('searches name and description', async () => {
    const term = commerceProducts()[42]!.title.split(' ').at(-1)!;
    const res = await stack.query(operation('BrowseCategory'), { search: term, first: 100 });
    const ids = res.json.data.products.edges.map((e: { node: { id: string } }) => e.node.id);
    const expected = commerceProducts().filter((p) => productMatches(p, { q: term })).slice(0, 100).map((p) => p.id);
    expect(ids).toEqual(expected);
    expect(ids).toContain(commerceProducts()[42]!.id);
  });

  it('serves every page size up to 20 from one cached vendor page, and never caches free-text searches', async () => {
    await stack.query(operation('BrowseCategory'), { category: 'bags', first: 20 });
    stack.resetVendorStats();
    for (let first = 1; first <= 20; first++) {
      const res = await stack.query(operation('BrowseCategory'), { category: 'bags', first });
      expect(res.json.data.products.edges).toHaveLength(first);
    }
    expect(stack.sandbox.commerce.control.stats().total).toBe(0);

    for (let i = 0; i < 2; i++) await stack.query(operation('BrowseCategory'), { search: 'leather', first: 5 });
    expect(stack.sandbox.commerce.control.stats().total).toBe(2);
  });

  it('serves a product page with its full reviews', async () => {
    const product = commerceProducts()[9]!;
    const res = await stack.query(operation('ProductPage'), { id: product.id, reviews: 10 });
    expect(res.json.errors).toBeUndefined();
    const node = res.json.data.product;
    expect(node).toMatchObject({ id: product.id, description: product.description, category: product.category, inStock: product.inventory_quantity > 0 });
    const reviews = reviewsForProduct(product.id).slice(0, 10);
    expect(node.reviews.map((r: { id: string }) => r.id)).toEqual(reviews.map((r) => r.id));
    expect(node.reviews[0]?.author?.id).toBe(reviews[0]?.user_id);
  });
});
