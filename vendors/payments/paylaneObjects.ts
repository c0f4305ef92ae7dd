/**
 * Paylane's wire objects, shaped like Stripe's (snake_case, times in unix seconds, amounts in
 * minor units), so that the payments subgraph can later point at a real vendor unchanged.
 */

export type PaymentIntentStatus = 'requires_payment_method' | 'requires_action' | 'succeeded' | 'canceled';

export interface LastPaymentError {
  type: 'card_error';
  /** 'card_declined', or 'authentication_required' when the 3-D Secure challenge was denied. */
  code: 'card_declined' | 'authentication_required';
  /** Only with `code: 'card_declined'`, as with Stripe. */
  decline_code?: 'generic_decline' | 'insufficient_funds';
  message: string;
}

export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  amount_refunded: number;
  currency: string;
  customer: string | null;
  metadata: Record<string, string>;
  status: PaymentIntentStatus;
  client_secret: string;
  created: number;
  latest_charge: string | null;
  last_payment_error: LastPaymentError | null;
  next_action: { type: 'authenticate' } | null;
  livemode: false;
}

/** What a phone may see of an intent: no metadata, no customer. */
export type PaymentIntentClientView = Pick<
  PaymentIntent,
  'id' | 'object' | 'amount' | 'amount_received' | 'currency' | 'status' | 'client_secret' | 'latest_charge' | 'last_payment_error' | 'next_action' | 'created'
>;

export interface Charge {
  id: string;
  object: 'charge';
  payment_intent: string;
  amount: number;
  amount_refunded: number;
  /** True once fully refunded. */
  refunded: boolean;
  currency: string;
  customer: string | null;
  metadata: Record<string, string>;
  status: 'succeeded';
  created: number;
}

export interface Customer {
  id: string;
  object: 'customer';
  created: number;
  metadata: Record<string, string>;
}

export interface EphemeralKey {
  id: string;
  object: 'ephemeral_key';
  /** `ek_test_…`: what the phone presents as `authorization: Bearer`. */
  secret: string;
  customer: string;
  created: number;
  expires: number;
}

export interface Refund {
  id: string;
  object: 'refund';
  payment_intent: string;
  charge: string;
  amount: number;
  currency: string;
  status: 'succeeded';
  created: number;
}

export interface CardPaymentMethod {
  id: string;
  type: 'card';
  card: { brand: 'visa'; last4: string };
}

export const EVENT_TYPES = [
  'payment_intent.created',
  'payment_intent.requires_action',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface PaylaneEvent {
  id: string;
  object: 'event';
  type: EventType;
  created: number;
  livemode: false;
  /** A snapshot taken when the event happened, not the object as it is now. */
  data: { object: PaymentIntent | Charge };
}

export interface PaylaneList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

export function clientView(intent: PaymentIntent): PaymentIntentClientView {
  const { id, object, amount, amount_received, currency, status, client_secret, latest_charge, last_payment_error, next_action, created } = intent;
  return structuredClone({ id, object, amount, amount_received, currency, status, client_secret, latest_charge, last_payment_error, next_action, created });
}
