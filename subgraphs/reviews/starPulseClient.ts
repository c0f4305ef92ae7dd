import type { VendorClient } from '../kit/vendor/createVendorClient.js';
import { int, list, num, obj, str, strOrNull } from '../kit/vendor/shape.js';
import type { ProductRating, ProductReviews, Review } from './model.js';

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

/** The reviews vendor's API as validated kit operations. */
export function createReviewsVendorClient(vendor: VendorClient) {
  return {
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
