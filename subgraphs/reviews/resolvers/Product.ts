import { badUserInput } from '../../../platform/errors/AppError.js';
import type { ReviewsContext } from '../context.js';
import { MAX_REVIEWS_PER_PRODUCT as MAX_FIRST } from '../loaders.js';
import type { Review } from '../model.js';
import { isEntityId } from '../../kit/server/isEntityId.js';

interface ProductRef {
  readonly id: string;
}

export const Product = {
  // Rating and reviews are fetched by their own field resolvers, so a product reference costs nothing.
  // Its id goes into the vendor's comma-separated batch parameter: refuse anything but an id.
  __resolveReference(ref: ProductRef): ProductRef | null {
    return isEntityId(ref.id) ? { id: ref.id } : null;
  },

  async rating(product: ProductRef, _: unknown, ctx: ReviewsContext) {
    const rating = await ctx.loaders.ratingByProduct.load(product.id);
    // The vendor omits products nobody has reviewed yet.
    return rating ?? { average: null, count: 0 };
  },

  async reviews(product: ProductRef, args: { first: number }, ctx: ReviewsContext): Promise<readonly Review[]> {
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_FIRST) {
      throw badUserInput('first', `an integer from 1 to ${MAX_FIRST}`);
    }
    const page = await ctx.loaders.topReviews(args.first).load(product.id);
    return page?.reviews ?? [];
  },
};
