import type { VendorClient } from '../kit/vendor/createVendorClient.js';
import { bool, int, list, obj, str, strOrNull } from '../kit/vendor/shape.js';

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
  readonly products: readonly VendorProduct[];
  readonly nextCursor: string | null;
  readonly hasMore: boolean;
}

function parseProduct(value: unknown, path: string): VendorProduct {
  const o = obj(value, path);
  return {
    id: str(o.id, `${path}.id`),
    title: str(o.title, `${path}.title`),
    description: str(o.description, `${path}.description`),
    price_cents: int(o.price_cents, `${path}.price_cents`),
    currency: str(o.currency, `${path}.currency`),
    image_url: str(o.image_url, `${path}.image_url`),
    category: str(o.category, `${path}.category`),
    inventory_quantity: int(o.inventory_quantity, `${path}.inventory_quantity`),
  };
}

/** The commerce vendor's API, as named, validated operations on the kit. */
export function createCommerceClient(vendor: VendorClient) {
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
      parse: (json) => {
        const o = obj(json, 'body');
        return {
          products: list(o.data, 'body.data', parseProduct),
          nextCursor: strOrNull(o.next_cursor, 'body.next_cursor'),
          hasMore: bool(o.has_more, 'body.has_more'),
        };
      },
    }),

    productsByIds: vendor.operation<readonly string[], VendorProduct[]>({
      name: 'products.batch',
      idempotent: true,
      request: (ids) => ({ method: 'GET', path: '/v1/products/batch', query: { ids: ids.join(',') } }),
      parse: (json) => list(obj(json, 'body').data, 'body.data', parseProduct),
    }),
  };
}

export type CommerceClient = ReturnType<typeof createCommerceClient>;
