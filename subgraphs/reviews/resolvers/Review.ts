import type { ReviewsContext } from '../context.js';
import type { Review as ReviewModel } from '../model.js';
import { isEntityId } from '../../kit/server/isEntityId.js';

export const Review = {
  __resolveReference(ref: { id: string }, ctx: ReviewsContext): Promise<ReviewModel | null> | null {
    if (!isEntityId(ref.id)) return null;
    return ctx.loaders.reviewById.load(ref.id);
  },

  /** A reference the accounts subgraph resolves; the gateway batches all authors into one lookup. */
  author(review: ReviewModel) {
    return review.authorId === null ? null : { __typename: 'User', id: review.authorId };
  },
};
