import { byIdRoute } from '../sandbox/byIdRoute.js';
import { idListParam, intParam, queryBatchSize, singleParam, stringParam } from '../sandbox/params.js';
import type { Route } from '../sandbox/types.js';
import { commerceProducts, productById, productMatches } from './data.js';
import { decodeProductCursor, encodeProductCursor } from './productCursor.js';

export const PRODUCTS_MAX_LIMIT = 100;
export const PRODUCTS_DEFAULT_LIMIT = 20;
export const PRODUCTS_MAX_BATCH = 50;

/** ShopCore's product API. Products are read-only, so routes read the shared seed directly. */
export function commerceRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/v1/products',
      handle({ query }) {
        const limit = intParam(query, 'limit', { min: 1, max: PRODUCTS_MAX_LIMIT, fallback: PRODUCTS_DEFAULT_LIMIT });
        const cursor = singleParam(query, 'cursor');
        const after = cursor === undefined || cursor === '' ? null : decodeProductCursor(cursor);
        const category = stringParam(query, 'category', 50);
        const q = stringParam(query, 'q', 200);
        const matching = commerceProducts().filter((p) => (after === null || p.id > after) && productMatches(p, { category, q }));
        const data = matching.slice(0, limit);
        const has_more = matching.length > limit;
        const last = data[data.length - 1];
        return { status: 200, body: { data, next_cursor: has_more && last ? encodeProductCursor(last.id) : null, has_more } };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/products/batch',
      batchSize: queryBatchSize('ids'),
      handle({ query }) {
        const ids = idListParam(query, 'ids', PRODUCTS_MAX_BATCH);
        // Storage order, not request order: callers must map results back by id.
        const data = commerceProducts().filter((p) => ids.has(p.id));
        return { status: 200, body: { data } };
      },
    },
    byIdRoute('/v1/products/:id', 'product', productById),
  ];
}
