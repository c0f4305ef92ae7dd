import { seededRandom } from '../sandbox/seededRandom.js';

/** A product as ShopCore returns it (snake_case, prices in cents). */
export interface CommerceProduct {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly price_cents: number;
  readonly currency: 'USD' | 'EUR';
  readonly image_url: string;
  readonly category: ProductCategory;
  readonly inventory_quantity: number;
  readonly created_at: string;
}

export const PRODUCT_CATEGORIES = ['shoes', 'outerwear', 'accessories', 'bags', 'tops', 'bottoms', 'home', 'beauty'] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

export const PRODUCT_COUNT = 500;
export const COMMERCE_SEED = 20240501;

const NOUNS: Record<ProductCategory, readonly string[]> = {
  shoes: ['Sneakers', 'Boots', 'Loafers', 'Sandals', 'Runners', 'Trail Shoes'],
  outerwear: ['Parka', 'Rain Jacket', 'Bomber', 'Trench Coat', 'Puffer Vest', 'Field Jacket'],
  accessories: ['Scarf', 'Beanie', 'Belt', 'Sunglasses', 'Watch', 'Gloves'],
  bags: ['Backpack', 'Tote', 'Duffel', 'Crossbody Bag', 'Weekender', 'Laptop Sleeve'],
  tops: ['T-Shirt', 'Hoodie', 'Oxford Shirt', 'Sweater', 'Polo', 'Tank Top'],
  bottoms: ['Jeans', 'Chinos', 'Joggers', 'Shorts', 'Cargo Pants', 'Skirt'],
  home: ['Throw Blanket', 'Candle', 'Mug Set', 'Cushion', 'Table Lamp', 'Planter'],
  beauty: ['Face Serum', 'Lip Balm', 'Hand Cream', 'Shampoo Bar', 'Body Oil', 'Sunscreen'],
};
const ADJECTIVES = ['Classic', 'Everyday', 'Vintage', 'Urban', 'Alpine', 'Coastal', 'Minimal', 'Heritage', 'Lightweight', 'Cozy', 'Bold', 'Essential'];
const MATERIALS = ['Leather', 'Canvas', 'Wool', 'Linen', 'Cotton', 'Denim', 'Recycled', 'Suede', 'Bamboo', 'Merino'];
const COLORS = ['black', 'navy', 'olive', 'sand', 'charcoal', 'rust', 'cream', 'forest green', 'slate blue', 'burgundy'];
const BENEFITS = [
  'built to last through years of daily use',
  'made in small batches by a family workshop',
  'designed for comfort from morning to night',
  'easy to care for and machine washable',
  'ethically sourced and fairly produced',
  'a customer favourite every season',
  'packs flat for travel',
  'finished by hand with attention to detail',
];

const DAY_MS = 86_400_000;
const CATALOG_START = Date.UTC(2023, 0, 1);

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Builds the catalog from `seed`; pure and deterministic (no clock, no Math.random). */
export function generateCommerceData(seed = COMMERCE_SEED): readonly CommerceProduct[] {
  const rnd = seededRandom(seed);
  const products: CommerceProduct[] = [];
  for (let i = 1; i <= PRODUCT_COUNT; i++) {
    const id = `prod_${pad(i, 4)}`;
    const category = rnd.pick(PRODUCT_CATEGORIES);
    const noun = rnd.pick(NOUNS[category]);
    const material = rnd.pick(MATERIALS);
    const title = `${rnd.pick(ADJECTIVES)} ${material} ${noun}`;
    const color = rnd.pick(COLORS);
    const first = rnd.int(0, BENEFITS.length - 1);
    const second = (first + rnd.int(1, BENEFITS.length - 1)) % BENEFITS.length;
    const description = `A ${color} ${material.toLowerCase()} ${noun.toLowerCase()}, ${BENEFITS[first]}. ${capitalise(BENEFITS[second] ?? '')}.`;
    // Prices cluster at "nice" points (x.99) like a real shop.
    const price_cents = Math.min(49_999, Math.max(199, rnd.int(1, 500) * 100 - 1));
    const currency = rnd.chance(0.15) ? 'EUR' : 'USD';
    const inventory_quantity = rnd.chance(0.1) ? 0 : rnd.int(1, 200);
    const created_at = new Date(CATALOG_START + rnd.int(0, 700) * DAY_MS + rnd.int(0, DAY_MS - 1)).toISOString();
    products.push(
      Object.freeze({
        id,
        title,
        description,
        price_cents,
        currency,
        image_url: `https://images.example.com/products/${id}.jpg`,
        category,
        inventory_quantity,
        created_at,
      }),
    );
  }
  return Object.freeze(products);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

let memo: { products: readonly CommerceProduct[]; byId: ReadonlyMap<string, CommerceProduct> } | null = null;

function data(): NonNullable<typeof memo> {
  if (memo === null) {
    const products = generateCommerceData();
    memo = { products, byId: new Map(products.map((p) => [p.id, p])) };
  }
  return memo;
}

/** All 500 ShopCore products in storage order (sorted by id). Frozen, shared. */
export function commerceProducts(): readonly CommerceProduct[] {
  return data().products;
}

export function productById(id: string): CommerceProduct | undefined {
  return data().byId.get(id);
}

/** What `GET /v1/products?category=&q=` filters on, so tests compute expectations the same way. */
export function productMatches(p: CommerceProduct, filter: { category?: string; q?: string }): boolean {
  if (filter.category !== undefined && p.category !== filter.category) return false;
  if (filter.q !== undefined) {
    const q = filter.q.toLowerCase();
    if (!p.title.toLowerCase().includes(q) && !p.description.toLowerCase().includes(q)) return false;
  }
  return true;
}
