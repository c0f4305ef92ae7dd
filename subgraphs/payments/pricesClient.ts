import type { VendorItemError } from '../kit/errors/VendorItemError.js';
import type { VendorClient } from '../kit/vendor/createVendorClient.js';
import { parseAnswer, parseBatchItems } from '../kit/vendor/vendorAnswer.js';
import { cents, count, currency, line, vendorId, z } from '../kit/vendor/vendorValues.js';

/** What checkout needs of a product: its price and whether it can be ordered. */
export interface ProductPrice {
  readonly id: string;
  readonly name: string;
  /** Minor units. */
  readonly amount: number;
  /** Upper case ISO 4217. */
  readonly currency: string;
  readonly inStock: boolean;
}

const product = z
  .object({ id: vendorId('prod_'), title: line(200), price_cents: cents(), currency: currency(), inventory_quantity: count() })
  .transform((p): ProductPrice => ({ id: p.id, name: p.title, amount: p.price_cents, currency: p.currency.toUpperCase(), inStock: p.inventory_quantity > 0 }));

/** Envelopes built once: a zod schema is costly to build and compiles on its first parse, so one built per answer cost every call that twice over. */
const batchEnvelope = z.object({ data: z.array(z.unknown()) });

/** The commerce platform's product batch endpoint, read-only: the source of every price we charge. */
export function createPricesClient(vendor: VendorClient) {
  return {
    /** Each id asked is its price, a `VendorItemError` (that product failed its checks), or absent (no such product). */
    prices: vendor.operation<readonly string[], (ProductPrice | VendorItemError)[]>({
      name: 'products.prices',
      idempotent: true,
      request: (ids) => ({ method: 'GET', path: '/v1/products/batch', query: { ids: ids.join(',') } }),
      parse: (json, _status, ids) =>
        parseBatchItems(parseAnswer(batchEnvelope, json).data, ids, {
          source: { vendor: vendor.name, operation: 'products.prices' },
          item: product,
          idField: 'id',
          at: 'body.data',
        }),
    }),
  };
}

export type PricesClient = ReturnType<typeof createPricesClient>;
