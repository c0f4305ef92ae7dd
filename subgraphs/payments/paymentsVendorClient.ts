import type { VendorItemError } from '../kit/errors/VendorItemError.js';
import type { VendorClient } from '../kit/vendor/createVendorClient.js';
import { parseAnswer, parseBatchItems } from '../kit/vendor/vendorAnswer.js';
import { line, timestamp, vendorId, z } from '../kit/vendor/vendorValues.js';
import type { Payments } from './model.js';

/**
 * One record as the vendor sends it, checked before anything reaches a phone: ids in the
 * vendor's shape, ranges, lengths, no control characters (the kit's `vendorValues`). A record
 * that fails becomes null + VENDOR_BAD_RESPONSE for its product; the others are served.
 */
function record(locale: string) {
  return z
    .object({
      product_id: vendorId('prod_'),
      // The vendor must answer in the locale asked for.
      locale: z.literal(locale),
      label: line(200),
      score: z.number().min(0).max(5).nullable(),
      updated_at: timestamp(),
    })
    .transform((o): Payments => ({ productId: o.product_id, locale: o.locale, label: o.label, score: o.score, updatedAt: o.updated_at }));
}

export interface RecordsInput {
  readonly productIds: readonly string[];
  readonly locale: string;
}

/** The vendor's API, as named, validated operations on the kit (deadline, breaker, retries, body cap). */
export function createPaymentsVendorClient(vendor: VendorClient) {
  return {
    /**
     * Idempotent read: retried by the kit on 5xx, network errors and 429. Each id asked is a
     * record, a `VendorItemError` (that record failed its checks) or absent (no record).
     */
    recordsByProduct: vendor.operation<RecordsInput, (Payments | VendorItemError)[]>({
      name: 'records.batch',
      idempotent: true,
      request: ({ productIds, locale }) => ({ method: 'GET', path: '/v1/records', query: { product_ids: productIds.join(','), locale } }),
      parse: (json, _status, { productIds, locale }) =>
        parseBatchItems(parseAnswer(z.object({ data: z.array(z.unknown()) }), json).data, productIds, {
          source: { vendor: vendor.name, operation: 'records.batch' },
          item: record(locale),
          idField: 'product_id',
          at: 'body.data',
        }),
    }),
  };
}

export type PaymentsVendorClient = ReturnType<typeof createPaymentsVendorClient>;
