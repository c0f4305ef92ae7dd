import { byIdRoute } from '../sandbox/byIdRoute.js';
import { idListParam, queryBatchSize, singleParam } from '../sandbox/params.js';
import type { Route } from '../sandbox/types.js';
import { VendorHttpError } from '../sandbox/VendorHttpError.js';
import { LOCALE, RECORDS_MAX_BATCH, recordFor } from './data.js';

/** Paylane's API: a batch read by product id and one record by id. Read-only. */
export function paymentsRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/v1/records',
      batchSize: queryBatchSize('product_ids'),
      handle({ query }) {
        const ids = idListParam(query, 'product_ids', RECORDS_MAX_BATCH);
        const locale = singleParam(query, 'locale') ?? 'en';
        if (!LOCALE.test(locale)) throw VendorHttpError.badRequest("query parameter 'locale' must be two lower-case letters");
        // Like most vendors: not in request order, and ids without a record left out. Callers map back by id.
        const data = [...ids].reverse().flatMap((id) => recordFor(id, locale) ?? []);
        return { status: 200, body: { data } };
      },
    },
    byIdRoute('/v1/records/:id', 'record', (id) => recordFor(id, 'en')),
  ];
}
