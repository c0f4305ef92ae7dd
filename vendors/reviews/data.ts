import { commerceProducts } from '../commerce/data.js';
import { USER_COUNT } from '../identity/data.js';
import { seededRandom } from '../sandbox/seededRandom.js';

/** A review as StarPulse returns it. */
export interface Review {
  readonly id: string;
  readonly product_id: string;
  readonly user_id: string;
  readonly stars: number;
  readonly headline: string;
  readonly text: string;
  readonly created_at: string;
}

export interface Rating {
  readonly product_id: string;
  /** Rounded to one decimal. */
  readonly average: number;
  readonly count: number;
}

export const REVIEW_COUNT = 5000;
export const REVIEWS_SEED = 7_770_777;

const HEADLINES: Record<number, readonly string[]> = {
  1: ['Very disappointed', 'Fell apart', 'Not as pictured', 'Would not buy again'],
  2: ['Meh', 'Expected more', 'Runs small', 'Okay at best'],
  3: ['Does the job', 'Decent for the price', 'Mixed feelings', 'Average'],
  4: ['Really nice', 'Good quality', 'Happy with it', 'Solid choice'],
  5: ['Love it!', 'Perfect', 'Exceeded expectations', 'Buying another one'],
};
const OPENERS: Record<number, readonly string[]> = {
  1: ['It broke within a week.', 'The quality is poor.', 'Shipping took forever and it arrived damaged.'],
  2: ['The colour was off compared to the photos.', 'Sizing is inconsistent.', 'Feels cheaper than expected.'],
  3: ['It is fine for everyday use.', 'Nothing special, nothing wrong.', 'Good value but a few rough edges.'],
  4: ['Well made and comfortable.', 'Arrived quickly and looks great.', 'Better than I expected for the price.'],
  5: ['Absolutely fantastic quality.', 'I get compliments every time.', 'Exactly what I was looking for.'],
};
const CLOSERS = [
  'Customer service was helpful.',
  'I bought it as a gift.',
  'I have used it daily for a month.',
  'Would recommend to friends.',
  'The packaging was plastic-free.',
  'It matches the rest of my wardrobe.',
];

const DAY_MS = 86_400_000;
const REVIEWS_START = Date.UTC(2023, 5, 1);
const REVIEWS_SPAN_MS = 730 * DAY_MS;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Newest first; ties broken by id, newest id first. */
export const byNewest = (a: Review, b: Review): number =>
  a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;

/**
 * 5000 reviews over the catalog, deterministic from `seed`. Popularity is skewed like a real
 * shop: about one product in ten has no review at all, a few dozen have 30 or more. No user
 * reviews the same product twice.
 */
export function generateReviewsData(seed = REVIEWS_SEED): readonly Review[] {
  const rnd = seededRandom(seed);
  const products = commerceProducts();
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < products.length; i++) {
    const r = rnd.next();
    // prod_0002 stays unreviewed on purpose: the first page always shows a product without a rating.
    const weight = i === 1 || r < 0.1 ? 0 : r > 0.93 ? 4 + rnd.next() * 4 : 0.2 + rnd.next() * 1.4;
    total += weight;
    cumulative.push(total);
  }
  const taken = new Set<string>();
  const reviews: Review[] = [];
  for (let n = 1; n <= REVIEW_COUNT; n++) {
    const product = products[lowerBound(cumulative, rnd.next() * total)];
    if (product === undefined) throw new Error('review weights out of range');
    let user = '';
    do user = `usr_${pad(rnd.int(1, USER_COUNT), 4)}`;
    while (taken.has(`${user}|${product.id}`));
    taken.add(`${user}|${product.id}`);
    const stars = starsFrom(rnd.next());
    reviews.push(
      Object.freeze({
        id: `rev_${pad(n, 5)}`,
        product_id: product.id,
        user_id: user,
        stars,
        headline: rnd.pick(HEADLINES[stars] ?? []),
        text: `${rnd.pick(OPENERS[stars] ?? [])} ${rnd.pick(CLOSERS)}`,
        created_at: new Date(REVIEWS_START + Math.floor(rnd.next() * REVIEWS_SPAN_MS)).toISOString(),
      }),
    );
  }
  return Object.freeze(reviews);
}

/** First index whose cumulative weight exceeds x (binary search). */
function lowerBound(cumulative: readonly number[], x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function starsFrom(r: number): number {
  if (r < 0.05) return 1;
  if (r < 0.13) return 2;
  if (r < 0.3) return 3;
  if (r < 0.65) return 4;
  return 5;
}

export function ratingOf(productId: string, reviews: readonly Review[]): Rating | null {
  if (reviews.length === 0) return null;
  const sum = reviews.reduce((s, r) => s + r.stars, 0);
  return { product_id: productId, average: Math.round((sum / reviews.length) * 10) / 10, count: reviews.length };
}

interface ReviewsIndex {
  reviews: readonly Review[];
  byId: ReadonlyMap<string, Review>;
  byProduct: ReadonlyMap<string, readonly Review[]>;
}

let memo: ReviewsIndex | null = null;

function index(): ReviewsIndex {
  if (memo === null) {
    const reviews = generateReviewsData();
    const byProduct = new Map<string, Review[]>();
    for (const r of reviews) {
      const list = byProduct.get(r.product_id);
      if (list === undefined) byProduct.set(r.product_id, [r]);
      else list.push(r);
    }
    for (const list of byProduct.values()) Object.freeze(list.sort(byNewest));
    memo = { reviews, byId: new Map(reviews.map((r) => [r.id, r])), byProduct };
  }
  return memo;
}

/** All 5000 seed reviews, sorted by id. Frozen, shared. */
export function allReviews(): readonly Review[] {
  return index().reviews;
}

/** The seed reviews of a product, newest first (empty when it has none). */
export function reviewsForProduct(productId: string): readonly Review[] {
  return index().byProduct.get(productId) ?? [];
}

/** The seed rating of a product, or null when it has no reviews. */
export function ratingFor(productId: string): Rating | null {
  return ratingOf(productId, reviewsForProduct(productId));
}

export function reviewById(id: string): Review | undefined {
  return index().byId.get(id);
}
