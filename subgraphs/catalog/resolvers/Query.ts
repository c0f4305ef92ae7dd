import { badUserInput } from '../../kit/errors/AppError.js';
import type { CatalogContext } from '../context.js';
import { listProducts, type ProductConnection } from '../listProducts.js';
import type { Product } from '../toProduct.js';

export const PRODUCT_ID = /^[A-Za-z0-9_-]{1,64}$/;

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
    if (!PRODUCT_ID.test(args.id)) throw badUserInput('id', 'a product id (letters, digits, "_" or "-", at most 64)');
    return ctx.productById.load(args.id);
  },
};
