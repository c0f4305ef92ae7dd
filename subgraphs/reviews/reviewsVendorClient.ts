import { AppError, badUserInput } from '../../platform/errors/AppError.js';
import type { VendorItemError } from '../kit/errors/VendorItemError.js';
import type { CallContext, VendorClient } from '../kit/vendor/createVendorClient.js';
import { parseAnswer, parseBatchItems } from '../kit/vendor/vendorAnswer.js';
import { vendorRefusal } from '../kit/vendor/vendorErrorBody.js';
import { count, line, prose, timestamp, vendorId, z } from '../kit/vendor/vendorValues.js';
import type { NewReview, ProductRating, ProductReviews, Review } from './model.js';

/** The reviews vendor's id shapes: `prod_0001` (the catalog's), `rev_00001`, `usr_0001`. */
const PRODUCT_ID = vendorId('prod_');

/** One review as it may reach a phone: 1..5 stars, a one-line title (≤ 200), a text (≤ 5000). */
const review = z
  .object({
    id: vendorId('rev_'),
    product_id: PRODUCT_ID,
    user_id: vendorId('usr_').nullable(),
    stars: z.int().min(1).max(5),
    headline: line(200),
    text: prose(5000),
    created_at: timestamp(),
  })
  .transform(
    (o): Review => ({
      id: o.id,
      productId: o.product_id,
      authorId: o.user_id,
      rating: o.stars,
      title: o.headline,
      body: o.text,
      createdAt: o.created_at,
    }),
  );

/** A product's rating: an average of 1.0..5.0 (null without reviews) over a count ≥ 0. */
const rating = z
  .object({ product_id: PRODUCT_ID, average: z.number().min(1).max(5).nullable(), count: count() })
  .transform((o): ProductRating => ({ productId: o.product_id, average: o.count === 0 ? null : o.average, count: o.count }));

/** Envelopes built once: a zod schema is costly to build and compiles on its first parse, so one built per answer cost every call that twice over. */
const createdEnvelope = z.object({ review });
const ratingsEnvelope = z.object({ ratings: z.array(z.unknown()) });
const resultsEnvelope = z.object({ results: z.array(z.unknown()) });

/** A product's newest reviews: never more than the `per_product` asked, all of that product, at most `total`. */
const pages = new Map<number, z.ZodType<ProductReviews>>();
function reviewsPage(perProduct: number): z.ZodType<ProductReviews> {
  let schema = pages.get(perProduct);
  if (schema === undefined) {
    schema = z
      .object({ product_id: PRODUCT_ID, total: count(), reviews: z.array(review).max(perProduct) })
      .refine((p) => p.reviews.every((r) => r.productId === p.product_id), { message: 'has reviews of another product' })
      .refine((p) => p.total >= p.reviews.length, { message: 'has more reviews than its total' })
      .transform((p): ProductReviews => ({ productId: p.product_id, total: p.total, reviews: p.reviews }));
    pages.set(perProduct, schema);
  }
  return schema;
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
    parse: (json) => parseAnswer(createdEnvelope, json).review,
  });
  const source = (operation: string) => ({ vendor: vendor.name, operation });

  return {
    /** Posts a review; rejects with an `AppError` for the refusals we name, else a `VendorError`. */
    async addReview(review: NewReview, ctx: CallContext): Promise<Review> {
      try {
        return await postReview.call(review, ctx);
      } catch (err) {
        throw toAddReviewError(err);
      }
    },

    /** Each id asked is a rating, a `VendorItemError` (that rating failed its checks) or absent (no reviews yet). */
    ratings: vendor.operation<readonly string[], (ProductRating | VendorItemError)[]>({
      name: 'ratings.batch',
      idempotent: true,
      request: (ids) => ({ method: 'GET', path: '/v2/products/ratings', query: { product_ids: ids.join(',') } }),
      parse: (json, _status, ids) =>
        parseBatchItems(parseAnswer(ratingsEnvelope, json).ratings, ids, {
          source: source('ratings.batch'),
          item: rating,
          idField: 'product_id',
          at: 'body.ratings',
        }),
    }),

    /** Per product asked: its page (≤ `perProduct` reviews), a `VendorItemError`, or absent (no reviews yet). */
    topReviews: vendor.operation<{ ids: readonly string[]; perProduct: number }, (ProductReviews | VendorItemError)[]>({
      name: 'reviews.batch',
      idempotent: true,
      request: ({ ids, perProduct }) => ({
        method: 'GET',
        path: '/v2/reviews',
        query: { product_ids: ids.join(','), per_product: perProduct },
      }),
      parse: (json, _status, { ids, perProduct }) =>
        parseBatchItems(parseAnswer(resultsEnvelope, json).results, ids, {
          source: source('reviews.batch'),
          item: reviewsPage(perProduct),
          idField: 'product_id',
          at: 'body.results',
        }),
    }),

    /** One review; a review that fails its checks, or is another review, fails the call. */
    reviewById: vendor.operation<string, Review>({
      name: 'reviews.get',
      idempotent: true,
      request: (id) => ({ method: 'GET', path: `/v2/reviews/${encodeURIComponent(id)}` }),
      parse: (json, _status, id) => {
        const found = parseAnswer(review, json);
        if (found.id !== id) throw new Error(`vendor answer refused: body.id is not the id asked (${id})`);
        return found;
      },
    }),
  };
}

export type ReviewsVendorClient = ReturnType<typeof createReviewsVendorClient>;
