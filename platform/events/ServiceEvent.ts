import { z } from 'zod';

/**
 * What one service tells another (payments → notifications, reviews → notifications):
 * delivered by the producer's outbox as a signed POST (Standard Webhooks headers, the
 * `webhook-id` being the event id) to the consumer's `eventsPath`. The id is the
 * idempotency key end to end: a consumer stores an id once, however often it arrives,
 * so a producer may deliver at least once.
 */
export const serviceEvent = z.object({
  /** Deterministic where a duplicate must collapse, e.g. `order:<orderId>:PAID` (one event per order state). */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._-]{0,199}$/, { message: 'must be an event id' }),
  /** `order.paid`, `order.payment_failed`, `order.refunded`, `review.created`. */
  type: z.string().regex(/^[a-z_]{1,40}(\.[a-z_]{1,40}){1,3}$/, { message: 'must be an event type' }),
  /** ISO 8601, when it happened at the producer. */
  occurredAt: z.iso.datetime({ offset: true }),
  /** Ids and states only: never a name, an address, an amount or any other personal detail. */
  data: z.record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean(), z.null()])),
});
export type ServiceEvent = z.output<typeof serviceEvent>;

/** The events producers emit today, and what their `data` holds. */
export interface ServiceEventData {
  /** `order.paid` | `order.payment_failed` | `order.refunded`: the order's new state, for its owner. */
  readonly order: { readonly orderId: string; readonly userId: string; readonly status: 'PAID' | 'FAILED' | 'REFUNDED' };
  /** `review.created`: someone reviewed a product. */
  readonly review: { readonly reviewId: string; readonly productId: string; readonly authorId: string };
}
