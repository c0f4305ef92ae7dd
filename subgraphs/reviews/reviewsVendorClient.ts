import { AppError, badUserInput } from '../../platform/errors/AppError.js';
import type { CallContext, VendorClient } from '../kit/vendor/createVendorClient.js';
import { int, list, num, obj, str, strOrNull } from '../kit/vendor/shape.js';
import { vendorRefusal } from '../kit/vendor/vendorErrorBody.js';
import type { NewReview, ProductRating, ProductReviews, Review } from './model.js';

function parseReview(value: unknown, path: string): Review {
  const o = obj(value, path);
  return {
    id: str(o.id, `${path}.id`),
    productId: str(o.product_id, `${path}.product_id`),
    authorId: strOrNull(o.user_id, `${path}.user_id`),
    rating: int(o.stars, `${path}.stars`),
    title: str(o.headline, `${path}.headline`),
    body: str(o.text, `${path}.text`),
    createdAt: str(o.created_at, `${path}.created_at`),
  };
}

/**
 * The one place the vendor's refusals of a new review become our codes. Anything not
 * listed keeps the kit's mapping (e.g. VENDOR_UNAVAILABLE, VENDOR_RATE_LIMITED).
 */
export function toAddReviewError(err: unknown): unknown {
  const refusal = vendorRefusal(err);
  if (refusal === undefined || refusal.kind !== 'rejected') return err;
  if (refusal.status === 409 && refusal.error === 'duplicate_review') {
    return new AppError('CONFLICT', 'You have already reviewed this product.', { cause: err });
  }
  if (refusal.status === 422 && refusal.error === 'validation_failed' && refusedFields(refusal.json).includes('product_id')) {
    // Our own checks ran first, so a refused product id means the product does not exist.
    return badUserInput('productId', 'the id of an existing product');
  }
  return err;
}

function refusedFields(json: Record<string, unknown> | undefined): string[] {
  const error = json?.error;
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>).fields : undefined;
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((f: unknown) => (typeof f === 'object' && f !== null && typeof (f as { field?: unknown }).field === 'string' ? [(f as { field: string }).field] : []));
}

/** The reviews vendor's API as validated kit operations. */
export function createReviewsVendorClient(vendor: VendorClient) {
  // A write: never retried by the kit. The idempotency key makes a client's retry safe instead.
  const postReview = vendor.operation<NewReview, Review>({
    name: 'reviews.create',
    idempotent: false,
    request: (review) => ({
      method: 'POST',
      path: '/v2/reviews',
      headers: { 'idempotency-key': review.idempotencyKey },
      body: { product_id: review.productId, user_id: review.userId, stars: review.rating, headline: review.title, text: review.body },
    }),
    parse: (json) => parseReview(obj(json, 'body').review, 'body.review'),
  });

  return {
    /** Posts a review; rejects with an `AppError` for the refusals we name, else a `VendorError`. */
    async addReview(review: NewReview, ctx: CallContext): Promise<Review> {
      try {
        return await postReview.call(review, ctx);
      } catch (err) {
        throw toAddReviewError(err);
      }
    },

    ratings: vendor.operation<readonly string[], ProductRating[]>({
      name: 'ratings.batch',
      idempotent: true,
      request: (ids) => ({ method: 'GET', path: '/v2/products/ratings', query: { product_ids: ids.join(',') } }),
      parse: (json) =>
        list(obj(json, 'body').ratings, 'body.ratings', (v, path) => {
          const o = obj(v, path);
          const count = int(o.count, `${path}.count`);
          return {
            productId: str(o.product_id, `${path}.product_id`),
            average: count === 0 || o.average === null ? null : num(o.average, `${path}.average`),
            count,
          };
        }),
    }),

    topReviews: vendor.operation<{ ids: readonly string[]; perProduct: number }, ProductReviews[]>({
      name: 'reviews.batch',
      idempotent: true,
      request: ({ ids, perProduct }) => ({
        method: 'GET',
        path: '/v2/reviews',
        query: { product_ids: ids.join(','), per_product: perProduct },
      }),
      parse: (json) =>
        list(obj(json, 'body').results, 'body.results', (v, path) => {
          const o = obj(v, path);
          return {
            productId: str(o.product_id, `${path}.product_id`),
            total: int(o.total, `${path}.total`),
            reviews: list(o.reviews, `${path}.reviews`, parseReview),
          };
        }),
    }),

    reviewById: vendor.operation<string, Review>({
      name: 'reviews.get',
      idempotent: true,
      request: (id) => ({ method: 'GET', path: `/v2/reviews/${encodeURIComponent(id)}` }),
      parse: (json) => parseReview(json, 'body'),
    }),
  };
}

export type ReviewsVendorClient = ReturnType<typeof createReviewsVendorClient>;
