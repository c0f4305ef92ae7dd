import type DataLoader from 'dataloader';
import { VendorError } from '../kit/errors/VendorError.js';
import { createBatchLoader } from '../kit/loader/createBatchLoader.js';
import type { LoaderDeps } from '../kit/server/createVendorSubgraph.js';
import type { ProductRating, ProductReviews, Review } from './model.js';
import type { ReviewsVendorClient } from './starPulseClient.js';

export interface ReviewsLoaders {
  readonly ratingByProduct: DataLoader<string, ProductRating | null>;
  /** One loader per distinct `first`, because the vendor takes one page size per batch call. */
  topReviews(first: number): DataLoader<string, ProductReviews | null>;
  readonly reviewById: DataLoader<string, Review | null>;
}

/** Made once per request; the cache behind them is shared. */
export function createReviewsLoaders(vendor: ReviewsVendorClient, deps: LoaderDeps): ReviewsLoaders {
  const { cache, policy, maxBatchSize, batching, requestId } = deps;
  const ctx = { requestId };
  const common = { maxBatchSize, batching, cache: { store: cache, policy } };

  const ratingByProduct = createBatchLoader({
    ...common,
    name: 'reviews:rating',
    fetchBatch: (ids: readonly string[]) => vendor.ratings.call(ids, ctx),
    keyOf: (rating) => rating.productId,
  });

  const byFirst = new Map<number, DataLoader<string, ProductReviews | null>>();
  const topReviews = (first: number) => {
    let loader = byFirst.get(first);
    if (!loader) {
      loader = createBatchLoader({
        ...common,
        name: `reviews:top:${first}`,
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
    name: 'reviews:review',
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
