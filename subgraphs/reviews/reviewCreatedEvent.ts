import type { ServiceEvent, ServiceEventData } from '../../platform/events/ServiceEvent.js';
import type { Review } from './model.js';

/** `review.created` for a review the vendor just stored: ids only (never the title, the body or the rating), one event per review. */
export function reviewCreatedEvent(review: Pick<Review, 'id' | 'productId'>, authorId: string, at: Date): ServiceEvent {
  const data: ServiceEventData['review'] = { reviewId: review.id, productId: review.productId, authorId };
  return { id: `review:${review.id}`, type: 'review.created', occurredAt: at.toISOString(), data: { ...data } };
}
