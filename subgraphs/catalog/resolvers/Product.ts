import type { CatalogContext } from '../context.js';
import type { Product as ProductModel } from '../toProduct.js';
import { PRODUCT_ID } from './Query.js';

export const Product = {
  /** Entity lookups from other subgraphs go through the same per-request loader (one batch call). */
  __resolveReference(ref: { id: string }, ctx: CatalogContext): Promise<ProductModel | null> | null {
    if (typeof ref.id !== 'string' || !PRODUCT_ID.test(ref.id)) return null;
    return ctx.productById.load(ref.id);
  },
};
