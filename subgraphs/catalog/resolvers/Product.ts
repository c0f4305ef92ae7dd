import type { CatalogContext } from '../context.js';
import type { Product as ProductModel } from '../toProduct.js';
import { isEntityId } from '../../kit/server/isEntityId.js';

export const Product = {
  /** Entity lookups from other subgraphs go through the same per-request loader (one batch call). */
  __resolveReference(ref: { id: string }, ctx: CatalogContext): Promise<ProductModel | null> | null {
    if (!isEntityId(ref.id)) return null;
    return ctx.productById.load(ref.id);
  },
};
