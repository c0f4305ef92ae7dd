import { count, currency, vendorId, z } from '../kit/vendor/vendorValues.js';
import { ORDER_ID, type OrderStatus, type PaymentError, type PaymentFact } from './model.js';

/** The vendor's object ids: `pi_…`, `cus_…`, `ch_…`, `evt_…`. */
export const INTENT_ID = vendorId('pi_');
export const CUSTOMER_ID = vendorId('cus_');

const paymentError = z
  .object({ code: z.string().max(100).nullish(), decline_code: z.string().max(100).nullish() })
  .nullable()
  .optional();

/** A payment intent as the vendor sends it (fields we read; others are ignored). */
export const paymentIntent = z.object({
  id: INTENT_ID,
  object: z.literal('payment_intent'),
  amount: count(100_000_000),
  amount_refunded: count(100_000_000).optional().default(0),
  currency: currency(),
  customer: CUSTOMER_ID.nullable().optional(),
  status: z.enum(['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'requires_capture', 'succeeded', 'canceled']),
  metadata: z.record(z.string().max(40), z.string().max(500)),
  last_payment_error: paymentError,
});
export type PaymentIntent = z.output<typeof paymentIntent>;

/** A charge, as `charge.refunded` carries it. */
export const charge = z.object({
  id: vendorId('ch_'),
  object: z.literal('charge'),
  payment_intent: INTENT_ID,
  amount: count(100_000_000),
  amount_refunded: count(100_000_000),
  refunded: z.boolean(),
  currency: currency(),
  metadata: z.record(z.string().max(40), z.string().max(500)),
});
export type Charge = z.output<typeof charge>;

function errorOf(intent: PaymentIntent): PaymentError {
  if (intent.status === 'canceled') return 'CANCELED';
  const e = intent.last_payment_error;
  if (e?.decline_code === 'insufficient_funds') return 'INSUFFICIENT_FUNDS';
  if (e?.code === 'authentication_required') return 'AUTHENTICATION_FAILED';
  return 'CARD_DECLINED';
}

/** The order our metadata names, or null (an intent that is not one of our orders'). */
export function orderIdOf(metadata: Readonly<Record<string, string>>): string | null {
  const id = metadata.order_id;
  return id !== undefined && ORDER_ID.test(id) ? id : null;
}

/**
 * The order status a payment intent implies. An intent waiting for the customer (a first
 * attempt, 3-D Secure) implies nothing beyond PENDING_PAYMENT; one back at
 * `requires_payment_method` after an attempt failed implies FAILED.
 */
export function statusOfIntent(intent: PaymentIntent): { status: OrderStatus; paymentError: PaymentError | null } {
  if (intent.status === 'succeeded') {
    return { status: intent.amount_refunded >= intent.amount ? 'REFUNDED' : 'PAID', paymentError: null };
  }
  if (intent.status === 'canceled') return { status: 'FAILED', paymentError: 'CANCELED' };
  if (intent.status === 'requires_payment_method' && intent.last_payment_error) return { status: 'FAILED', paymentError: errorOf(intent) };
  return { status: 'PENDING_PAYMENT', paymentError: null };
}

/** The fact an intent states about its order, or null when it is not one of our orders. */
export function factOfIntent(intent: PaymentIntent): PaymentFact | null {
  const orderId = orderIdOf(intent.metadata);
  if (orderId === null) return null;
  return { orderId, intentId: intent.id, ...statusOfIntent(intent), amount: intent.amount, currency: intent.currency.toUpperCase() };
}

/** A refunded charge states REFUNDED once the whole amount is back; a partial refund states nothing new. */
export function factOfCharge(c: Charge): PaymentFact | null {
  const orderId = orderIdOf(c.metadata);
  if (orderId === null) return null;
  const status: OrderStatus = c.refunded || c.amount_refunded >= c.amount ? 'REFUNDED' : 'PAID';
  return { orderId, intentId: c.payment_intent, status, paymentError: null, amount: c.amount, currency: c.currency.toUpperCase() };
}
