import type DataLoader from 'dataloader';
import { VendorError } from '../kit/errors/VendorError.js';
import { batchLoaderCacheKey, createBatchLoader } from '../kit/loader/createBatchLoader.js';
import type { LoaderDeps } from '../kit/server/createVendorSubgraph.js';
import type { ProductRating, ProductReviews, Review } from './model.js';
import type { ReviewsVendorClient } from './reviewsVendorClient.js';

/** The vendor's largest `per_product`, and so the largest `Product.reviews(first)`. */
export const MAX_REVIEWS_PER_PRODUCT = 50;

const RATING_LOADER = 'reviews:rating';
const REVIEW_LOADER = 'reviews:review';
const topReviewsLoader = (first: number) => `reviews:top:${first}`;

export interface ReviewsLoaders {
  readonly ratingByProduct: DataLoader<string, ProductRating | null>;
  /** One loader per distinct `first`, because the vendor takes one page size per batch call. */
  topReviews(first: number): DataLoader<string, ProductReviews | null>;
  readonly reviewById: DataLoader<string, Review | null>;
}

/**
 * Every shared-cache key a new review of `productId` makes wrong: its rating and its
 * newest-reviews pages for every `first` (1..50). Deleting 51 keys on a rare write is
 * cheaper than making the hot read path fetch and cache 50 reviews per product.
 */
export function productReviewCacheKeys(productId: string): string[] {
  const keys = [batchLoaderCacheKey(RATING_LOADER, productId)];
  for (let first = 1; first <= MAX_REVIEWS_PER_PRODUCT; first++) keys.push(batchLoaderCacheKey(topReviewsLoader(first), productId));
  return keys;
}

/** The shared-cache key of one review (a lookup of an id not yet used caches a `null`). */
export function reviewCacheKey(reviewId: string): string {
  return batchLoaderCacheKey(REVIEW_LOADER, reviewId);
}

/** Made once per request; the cache behind them is shared. */
export function createReviewsLoaders(vendor: ReviewsVendorClient, deps: LoaderDeps): ReviewsLoaders {
  const { cache, policy, maxBatchSize, batching, call: ctx } = deps;
  const common = { maxBatchSize, batching, cache: { store: cache, policy } };

  const ratingByProduct = createBatchLoader({
    ...common,
    name: RATING_LOADER,
    fetchBatch: (ids: readonly string[]) => vendor.ratings.call(ids, ctx),
    keyOf: (rating) => rating.productId,
  });

  const byFirst = new Map<number, DataLoader<string, ProductReviews | null>>();
  const topReviews = (first: number) => {
    let loader = byFirst.get(first);
    if (!loader) {
      loader = createBatchLoader({
        ...common,
        name: topReviewsLoader(first),
        fetchBatch: (ids: readonly string[]) => vendor.topReviews.call({ ids, perProduct: first }, ctx),
        keyOf: (page) => page.productId,
      });
      byFirst.set(first, loader);
    }
    return loader;
  };

  // The vendor has no batch endpoint for single reviews: one call per id, still deduped and cached.
  const reviewById = createBatchLoader({
    ...common,
    maxBatchSize: 1,
    name: REVIEW_LOADER,
    fetchBatch: async ([id]: readonly string[]) => {
      try {
        return [await vendor.reviewById.call(id as string, ctx)];
      } catch (err) {
        if (err instanceof VendorError && err.kind === 'not_found') return [];
        throw err;
      }
    },
    keyOf: (review) => review.id,
  });

  return { ratingByProduct, topReviews, reviewById };
}
