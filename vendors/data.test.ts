import { describe, expect, it } from 'vitest';
import { commerceProducts, generateCommerceData, PRODUCT_CATEGORIES, productById } from './commerce/data.js';
import { generateIdentityData, identityUsers, userById } from './identity/data.js';
import { allReviews, generateReviewsData, ratingFor, reviewsForProduct } from './reviews/data.js';
import { seededRandom } from './sandbox/seededRandom.js';

describe('sandbox data', () => {
  it('is deterministic: two generator runs give identical data', () => {
    expect(generateCommerceData()).toEqual(generateCommerceData());
    expect(generateReviewsData()).toEqual(generateReviewsData());
    expect(generateIdentityData()).toEqual(generateIdentityData());
    expect(generateCommerceData(1)).not.toEqual(generateCommerceData(2));
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
  });

  it('has 500 products, 5000 reviews and 1000 users, memoised and frozen', () => {
    expect(commerceProducts()).toHaveLength(500);
    expect(allReviews()).toHaveLength(5000);
    expect(identityUsers()).toHaveLength(1000);
    expect(commerceProducts()).toBe(commerceProducts());
    expect(Object.isFrozen(commerceProducts()[0])).toBe(true);
    expect(commerceProducts()[0]?.id).toBe('prod_0001');
    expect(commerceProducts()[499]?.id).toBe('prod_0500');
    expect(allReviews()[4999]?.id).toBe('rev_05000');
    expect(identityUsers()[999]?.user_id).toBe('usr_1000');
  });

  it('has products shaped like ShopCore returns them', () => {
    const products = commerceProducts();
    for (const p of products) {
      expect(p.price_cents).toBeGreaterThanOrEqual(199);
      expect(p.price_cents).toBeLessThanOrEqual(49_999);
      expect(Number.isInteger(p.inventory_quantity)).toBe(true);
      expect(PRODUCT_CATEGORIES).toContain(p.category);
      expect(p.image_url).toBe(`https://images.example.com/products/${p.id}.jpg`);
      expect(Number.isNaN(Date.parse(p.created_at))).toBe(false);
    }
    const outOfStock = products.filter((p) => p.inventory_quantity === 0).length;
    expect(outOfStock).toBeGreaterThan(25);
    expect(outOfStock).toBeLessThan(80);
    expect(new Set(products.map((p) => p.currency))).toEqual(new Set(['USD', 'EUR']));
    expect(productById('prod_0042')).toBe(products[41]);
  });

  it('links reviews to real products and users, one review per user and product', () => {
    const pairs = new Set<string>();
    for (const r of allReviews()) {
      expect(productById(r.product_id)).toBeDefined();
      expect(userById(r.user_id)).toBeDefined();
      expect(r.stars).toBeGreaterThanOrEqual(1);
      expect(r.stars).toBeLessThanOrEqual(5);
      pairs.add(`${r.user_id}|${r.product_id}`);
    }
    expect(pairs.size).toBe(5000);
    const dates = allReviews().map((r) => Date.parse(r.created_at));
    expect(Math.max(...dates) - Math.min(...dates)).toBeGreaterThan(600 * 86_400_000);
  });

  it('computes ratings from the reviews', () => {
    const id = commerceProducts().find((p) => reviewsForProduct(p.id).length > 0)?.id as string;
    const reviews = reviewsForProduct(id);
    const avg = reviews.reduce((s, r) => s + r.stars, 0) / reviews.length;
    expect(ratingFor(id)).toEqual({ product_id: id, average: Math.round(avg * 10) / 10, count: reviews.length });
    expect(ratingFor('prod_0002')).toBeNull();
  });
});
