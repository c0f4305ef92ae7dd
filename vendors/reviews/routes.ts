import { commerceProducts } from '../commerce/data.js';
import { byIdRoute } from '../sandbox/byIdRoute.js';
import { canonicalJson } from '../sandbox/json.js';
import { idListParam, intParam, jsonObjectBody, queryBatchSize } from '../sandbox/params.js';
import type { Route } from '../sandbox/types.js';
import { VendorHttpError } from '../sandbox/VendorHttpError.js';
import { IdempotencyStore } from '../sandbox/IdempotencyStore.js';
import { ReviewStore } from './ReviewStore.js';
import { validateNewReview } from './validateNewReview.js';

export const RATINGS_MAX_BATCH = 100;
export const REVIEWS_MAX_BATCH = 50;
export const PER_PRODUCT_MAX = 50;
export const PER_PRODUCT_DEFAULT = 5;

/** Product ids in StarPulse's storage order (the catalog's id order). */
function inStorageOrder(ids: ReadonlySet<string>): string[] {
  return commerceProducts().filter((p) => ids.has(p.id)).map((p) => p.id);
}

/** StarPulse's API. Each vendor instance has its own store, so writes stay local to it. */
export function reviewsRoutes(store = new ReviewStore(), idempotency = new IdempotencyStore()): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/v2/products/ratings',
      batchSize: queryBatchSize('product_ids'),
      handle({ query }) {
        const ids = idListParam(query, 'product_ids', RATINGS_MAX_BATCH);
        const ratings = inStorageOrder(ids).flatMap((id) => {
          const rating = store.rating(id);
          return rating === null ? [] : [rating];
        });
        return { status: 200, body: { ratings } };
      },
    },
    {
      method: 'GET',
      pattern: '/v2/reviews',
      batchSize: queryBatchSize('product_ids'),
      handle({ query }) {
        const ids = idListParam(query, 'product_ids', REVIEWS_MAX_BATCH);
        const perProduct = intParam(query, 'per_product', { min: 1, max: PER_PRODUCT_MAX, fallback: PER_PRODUCT_DEFAULT });
        const results = inStorageOrder(ids).flatMap((product_id) => {
          const all = store.forProduct(product_id);
          return all.length === 0 ? [] : [{ product_id, total: all.length, reviews: all.slice(0, perProduct) }];
        });
        return { status: 200, body: { results } };
      },
    },
    byIdRoute('/v2/reviews/:id', 'review', (id) => store.byId(id)),
    {
      method: 'POST',
      pattern: '/v2/reviews',
      handle({ headers, body, apiKey }) {
        const key = headers['idempotency-key'];
        if (typeof key !== 'string' || key.trim().length === 0 || key.length > 255) {
          throw new VendorHttpError(400, 'idempotency_key_required', "header 'idempotency-key' (1 to 255 characters) is required for POST");
        }
        const input = jsonObjectBody(body);
        const fingerprint = canonicalJson(input);
        const seen = idempotency.lookup(apiKey, key, fingerprint);
        if (seen.kind === 'replay') return { ...seen.response, headers: { ...seen.response.headers, 'idempotent-replayed': 'true' } };
        if (seen.kind === 'conflict') {
          throw new VendorHttpError(409, 'idempotency_key_reused', 'this idempotency key was already used with a different request body');
        }
        const checked = validateNewReview(input);
        if (!checked.ok) throw new VendorHttpError(422, 'validation_failed', 'the review is invalid', { fields: checked.fields });
        if (store.hasReviewBy(checked.value.user_id, checked.value.product_id)) {
          throw new VendorHttpError(409, 'duplicate_review', 'this user has already reviewed this product');
        }
        const review = store.add(checked.value, new Date());
        const response = { status: 201, body: { review } };
        idempotency.remember(apiKey, key, fingerprint, response);
        return response;
      },
    },
  ];
}
