import { z } from '../../kit/vendor/vendorValues.js';
import type { PaymentFact } from '../model.js';
import { charge, factOfCharge, factOfIntent, paymentIntent } from '../paymentIntent.js';

/** A vendor event's envelope, as much as receipt checks: the object itself is read by the worker. */
export const webhookEvent = z.object({
  id: z.string().regex(/^evt_[A-Za-z0-9]{1,64}$/, { message: 'must be an event id' }),
  object: z.literal('event'),
  type: z.string().regex(/^[a-z_]{1,40}(\.[a-z_]{1,40}){1,3}$/, { message: 'must be an event type' }),
  created: z.int().min(0),
  data: z.object({ object: z.object({ id: z.string().max(100) }).loose() }),
});
export type WebhookEvent = z.output<typeof webhookEvent>;

/**
 * What an inbox event says about an order, or null when it says nothing we act on (another
 * event type, an intent that is not one of our orders', an object that fails its checks:
 * those are kept in the inbox and marked `ignored`).
 */
export function factOfEvent(type: string, payload: unknown): PaymentFact | null {
  const object = (payload as { data?: { object?: unknown } } | null)?.data?.object;
  if (type.startsWith('payment_intent.')) {
    const intent = paymentIntent.safeParse(object);
    return intent.success ? factOfIntent(intent.data) : null;
  }
  if (type === 'charge.refunded') {
    const refunded = charge.safeParse(object);
    return refunded.success ? factOfCharge(refunded.data) : null;
  }
  return null;
}
