import { AppError, badUserInput } from '../../../platform/errors/AppError.js';
import type { ReviewsContext } from '../context.js';
import { productReviewCacheKeys, reviewCacheKey } from '../loaders.js';
import type { Review } from '../model.js';
import { reviewCreatedEvent } from '../reviewCreatedEvent.js';
import { reviewIdempotencyKey } from '../reviewIdempotencyKey.js';
import { ENTITY_ID_EXPECTED, isEntityId } from '../../kit/server/isEntityId.js';

const MAX_TITLE = 120;
const MAX_BODY = 2000;

interface AddReviewArgs {
  readonly productId: string;
  readonly rating: number;
  readonly title: string;
  readonly body: string;
}

function text(value: string, argument: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max) throw badUserInput(argument, `1 to ${max} characters (not counting surrounding spaces)`);
  return trimmed;
}

export const Mutation = {
  /**
   * Guarded by the shield (signed in, reviews:write). One vendor call, never retried by the
   * kit: the idempotency key, derived from the review itself, makes the client's own retry
   * safe. Then the product's cached rating and review pages are dropped, so the author's
   * next request shows the review, and `review.created` is published in the background (the
   * answer never waits for the notifications service, nor fails because of it).
   */
  async addReview(_: unknown, args: AddReviewArgs, ctx: ReviewsContext): Promise<Review> {
    // The shield already refused anonymous callers; this keeps the resolver safe on its own.
    if (ctx.viewer === null) throw new AppError('UNAUTHENTICATED', 'Sign in to do this.');
    if (!isEntityId(args.productId)) throw badUserInput('productId', `a product id: ${ENTITY_ID_EXPECTED}`);
    if (!Number.isInteger(args.rating) || args.rating < 1 || args.rating > 5) throw badUserInput('rating', 'an integer from 1 to 5');
    const title = text(args.title, 'title', MAX_TITLE);
    const body = text(args.body, 'body', MAX_BODY);

    const review = { productId: args.productId, userId: ctx.viewer.userId, rating: args.rating, title, body };
    const created = await ctx.reviewsApi.addReview({ ...review, idempotencyKey: reviewIdempotencyKey(review) }, ctx.call);
    await ctx.cache.deleteMany([...productReviewCacheKeys(created.productId), reviewCacheKey(created.id)]);
    // A client's retry replays the vendor's first answer (same review id): the event id is the same, and the consumer keeps one.
    ctx.events.publish(reviewCreatedEvent(created, ctx.viewer.userId, new Date()), ctx.call.requestId);
    return created;
  },
};
