import type { VendorItemError } from '../kit/errors/VendorItemError.js';
import type { VendorClient } from '../kit/vendor/createVendorClient.js';
import { parseAnswer, parseBatchItems, parseListItems } from '../kit/vendor/vendorAnswer.js';
import { cents, count, currency, imageUrl, line, prose, vendorId, z } from '../kit/vendor/vendorValues.js';

/** A product as the commerce vendor sends it (snake_case, price in cents). */
export interface VendorProduct {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly price_cents: number;
  readonly currency: string;
  readonly image_url: string;
  readonly category: string;
  readonly inventory_quantity: number;
}

export interface ListProductsInput {
  readonly limit: number;
  readonly cursor: string | null;
  readonly category: string | null;
  readonly search: string | null;
}

export interface ProductPage {
  /** A product that failed its checks is a `VendorItemError` in its place: the listing leaves it out. */
  readonly products: readonly (VendorProduct | VendorItemError)[];
  readonly nextCursor: string | null;
  readonly hasMore: boolean;
}

/** The commerce vendor's id shape: `prod_0001`. */
export const PRODUCT_ID = vendorId('prod_');

/**
 * What a product must look like to reach a phone: a name of one line (≤ 200), a description
 * (≤ 5000), a price of 0..1,000,000.00 in integer cents, an https image, a count of stock.
 */
const product = z.object({
  id: PRODUCT_ID,
  title: line(200),
  description: prose(5000, 0),
  price_cents: cents(),
  currency: currency(),
  image_url: imageUrl(),
  category: line(64),
  inventory_quantity: count(),
}) satisfies z.ZodType<VendorProduct>;

const listEnvelope = z.object({
  data: z.array(z.unknown()),
  next_cursor: z.string().max(512).nullable(),
  has_more: z.boolean(),
});
const batchEnvelope = z.object({ data: z.array(z.unknown()) });

/** The commerce vendor's API, as named, validated operations on the kit. */
export function createCommerceClient(vendor: VendorClient) {
  const items = (operation: string, at: string) => ({ source: { vendor: vendor.name, operation }, item: product, idField: 'id', at });
  return {
    listProducts: vendor.operation<ListProductsInput, ProductPage>({
      name: 'products.list',
      idempotent: true,
      request: (input) => ({
        method: 'GET',
        path: '/v1/products',
        query: {
          limit: input.limit,
          cursor: input.cursor ?? undefined,
          category: input.category ?? undefined,
          q: input.search ?? undefined,
        },
      }),
      parse: (json, _status, input) => {
        const page = parseAnswer(listEnvelope, json);
        return {
          // Never more than the page size asked for.
          products: parseListItems(page.data, input.limit, items('products.list', 'body.data')),
          nextCursor: page.next_cursor,
          hasMore: page.has_more,
        };
      },
    }),

    /** Each id asked is a product, a `VendorItemError` (that product failed its checks) or absent (no such product). */
    productsByIds: vendor.operation<readonly string[], (VendorProduct | VendorItemError)[]>({
      name: 'products.batch',
      idempotent: true,
      request: (ids) => ({ method: 'GET', path: '/v1/products/batch', query: { ids: ids.join(',') } }),
      parse: (json, _status, ids) => parseBatchItems(parseAnswer(batchEnvelope, json).data, ids, items('products.batch', 'body.data')),
    }),
  };
}

export type CommerceClient = ReturnType<typeof createCommerceClient>;
