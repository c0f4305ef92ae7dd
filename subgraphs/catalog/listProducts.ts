import { createHash } from 'node:crypto';
import { cachedCall } from '../kit/cache/cachedCall.js';
import { VendorItemError } from '../kit/errors/VendorItemError.js';
import type { CatalogContext } from './context.js';
import { decodeCursor, encodeCursor, type ProductCursor } from './productCursor.js';
import { toProduct, type Product } from './toProduct.js';

/**
 * Page sizes we ask the vendor for (its largest is 100). Rounding `s + first` up to one of
 * these keeps the number of distinct cached pages small whatever clients send: a cache
 * keyed by every (cursor, size) pair could be filled with near-copies of the catalogue.
 */
const VENDOR_PAGE_SIZES = [20, 50, 100] as const;
const NOT_CACHED = { ttlMs: 0, maxStaleMs: 0 };

export interface ListArgs {
  readonly first: number;
  readonly after: string | null;
  readonly category: string | null;
  readonly search: string | null;
}

export interface ProductConnection {
  readonly edges: readonly { cursor: string; node: Product }[];
  readonly pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/**
 * One page of products. A client cursor may point inside a vendor page, so we ask the
 * vendor for that page from its start (at least `s + first` items, rounded up to a page
 * size) and skip `s`: one vendor call per page either way. Pages are cached per (vendor
 * cursor, page size, category); free-text searches are not cached, since every new
 * search string would be a new entry.
 */
export async function listProducts(args: ListArgs, ctx: CatalogContext): Promise<ProductConnection> {
  const start: ProductCursor = args.after === null ? { c: null, s: 0 } : decodeCursor(args.after);
  const limit = VENDOR_PAGE_SIZES.find((size) => size >= start.s + args.first) ?? VENDOR_PAGE_SIZES.at(-1)!;
  const key = createHash('sha256').update(JSON.stringify([start.c, limit, args.category])).digest('base64url');
  const policy = args.search === null ? ctx.listPolicy : NOT_CACHED;

  // Stored under `catalog:list:<hash>`, the key it always had: entries a shared Redis holds still hit.
  const page = await cachedCall(ctx.cache, { name: 'catalog:list', key, policy }, async () => {
    const result = await ctx.commerce.listProducts.call(
      { limit, cursor: start.c, category: args.category, search: args.search },
      ctx.call,
    );
    // A product that failed its checks cannot be a null edge (`node: Product!`): it is left out
    // of the page (and the log says which), the rest of the page is served.
    const products: Product[] = [];
    for (const row of result.products) {
      if (row instanceof VendorItemError) ctx.logger.warn({ vendorOperation: row.operation, key: row.key, reason: row.message }, 'vendor item refused: left out of the listing');
      else products.push(toProduct(row));
    }
    return { ...result, products };
  });

  const nodes = page.products.slice(start.s, start.s + args.first);
  const edges = nodes.map((node, i) => {
    const consumed = start.s + i + 1;
    // At the end of a vendor page, point at the vendor's next page directly.
    const cursor = consumed === page.products.length && page.nextCursor !== null ? { c: page.nextCursor, s: 0 } : { c: start.c, s: consumed };
    ctx.productById.prime(node.id, node);
    return { cursor: encodeCursor(cursor), node };
  });
  const hasNextPage = start.s + nodes.length < page.products.length || page.hasMore;
  return { edges, pageInfo: { endCursor: edges.at(-1)?.cursor ?? args.after, hasNextPage } };
}
