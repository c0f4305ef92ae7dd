import { badUserInput } from '../../../platform/errors/AppError.js';
import type { CatalogContext } from '../context.js';
import { listProducts, type ProductConnection } from '../listProducts.js';
import type { Product } from '../toProduct.js';
import { ENTITY_ID_EXPECTED, isEntityId } from '../../kit/server/isEntityId.js';

interface ProductsArgs {
  first: number;
  after?: string | null;
  category?: string | null;
  search?: string | null;
}

function optionalText(value: string | null | undefined, argument: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.length === 0) return null;
  if (trimmed.length > max) throw badUserInput(argument, `at most ${max} characters`);
  return trimmed;
}

export const Query = {
  products(_: unknown, args: ProductsArgs, ctx: CatalogContext): Promise<ProductConnection> {
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > 100) throw badUserInput('first', 'an integer from 1 to 100');
    return listProducts(
      {
        first: args.first,
        after: args.after ?? null,
        category: optionalText(args.category, 'category', 64),
        search: optionalText(args.search, 'search', 100),
      },
      ctx,
    );
  },

  product(_: unknown, args: { id: string }, ctx: CatalogContext): Promise<Product | null> {
    if (!isEntityId(args.id)) throw badUserInput('id', `a product id: ${ENTITY_ID_EXPECTED}`);
    return ctx.productById.load(args.id);
  },
};
