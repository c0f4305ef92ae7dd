import type { ServiceEvent } from '../../../platform/events/ServiceEvent.js';
import type { ProductReviewers } from '../store/ProductReviewers.js';

/** A new review concerns the product's other reviewers: the newest this many of them. */
export const MAX_REVIEW_RECIPIENTS = 100;

const ORDER_EVENTS = new Set(['order.paid', 'order.payment_failed', 'order.refunded']);

const text = (data: ServiceEvent['data'], key: string): string | null => {
  const v = data[key];
  return typeof v === 'string' && v.length > 0 ? v : null;
};

/**
 * Whom an event concerns. `order.*`: the order's owner. `review.created`: the author is
 * recorded as a reviewer of the product (for later reviews), and the product's other
 * reviewers as of the event are told. Anything else, or an event missing its ids: nobody.
 */
export async function recipientsOf(event: ServiceEvent, reviewers: ProductReviewers): Promise<string[]> {
  if (ORDER_EVENTS.has(event.type)) {
    const userId = text(event.data, 'userId');
    return userId === null ? [] : [userId];
  }
  if (event.type === 'review.created') {
    const productId = text(event.data, 'productId');
    const authorId = text(event.data, 'authorId');
    if (productId === null || authorId === null) return [];
    const at = new Date(event.occurredAt);
    await reviewers.record(productId, authorId, at);
    return reviewers.othersOf(productId, authorId, at, MAX_REVIEW_RECIPIENTS);
  }
  return [];
}
