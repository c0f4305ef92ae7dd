import { createHash } from 'node:crypto';

/**
 * The vendor's idempotency key for a new review, derived from what the review is (author,
 * product, stars, title, text; already trimmed): a mobile client that resends the same
 * mutation after a lost answer gets the same key, so the vendor replays the first answer
 * (the same review) instead of posting a second one. No randomness, no server state.
 */
export function reviewIdempotencyKey(review: { userId: string; productId: string; rating: number; title: string; body: string }): string {
  const material = JSON.stringify(['addReview/v1', review.userId, review.productId, review.rating, review.title, review.body]);
  return `review-${createHash('sha256').update(material).digest('hex')}`;
}
