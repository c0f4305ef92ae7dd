import { describe, expect, it } from 'vitest';
import { charge, factOfCharge, factOfIntent, orderIdOf, paymentIntent, statusOfIntent, type PaymentIntent } from './paymentIntent.js';

const ORDER = 'ord_abcdefghij0123456789';

/** An intent as the vendor sends it (with fields we ignore), overridden by `over`. */
function wire(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'pi_3Pq9abcdEFGH',
    object: 'payment_intent',
    amount: 26597,
    amount_received: 0,
    amount_refunded: 0,
    currency: 'usd',
    customer: 'cus_Q1w2e3r4',
    metadata: { order_id: ORDER },
    status: 'requires_payment_method',
    client_secret: 'pi_3Pq9abcdEFGH_secret_xyz',
    last_payment_error: null,
    next_action: null,
    livemode: false,
    ...over,
  };
}
const intent = (over: Record<string, unknown> = {}): PaymentIntent => paymentIntent.parse(wire(over));
const declined = (error: Record<string, unknown>) => intent({ status: 'requires_payment_method', last_payment_error: { type: 'card_error', message: 'x', ...error } });

describe('what a payment intent says about its order', () => {
  it.each([
    ['a new intent', {}, { status: 'PENDING_PAYMENT', paymentError: null }],
    ['waiting for 3-D Secure', { status: 'requires_action' }, { status: 'PENDING_PAYMENT', paymentError: null }],
    ['processing', { status: 'processing' }, { status: 'PENDING_PAYMENT', paymentError: null }],
    ['succeeded', { status: 'succeeded', amount_received: 26597 }, { status: 'PAID', paymentError: null }],
    ['succeeded, partly refunded', { status: 'succeeded', amount_refunded: 100 }, { status: 'PAID', paymentError: null }],
    ['succeeded, fully refunded', { status: 'succeeded', amount_refunded: 26597 }, { status: 'REFUNDED', paymentError: null }],
    ['canceled', { status: 'canceled' }, { status: 'FAILED', paymentError: 'CANCELED' }],
  ])('%s', (_name, over, expected) => {
    expect(statusOfIntent(intent(over))).toEqual(expected);
  });

  it('maps the reason of a failed attempt', () => {
    expect(statusOfIntent(declined({ code: 'card_declined', decline_code: 'generic_decline' }))).toEqual({ status: 'FAILED', paymentError: 'CARD_DECLINED' });
    expect(statusOfIntent(declined({ code: 'card_declined', decline_code: 'insufficient_funds' }))).toEqual({ status: 'FAILED', paymentError: 'INSUFFICIENT_FUNDS' });
    expect(statusOfIntent(declined({ code: 'authentication_required' }))).toEqual({ status: 'FAILED', paymentError: 'AUTHENTICATION_FAILED' });
    // A reason we do not know is still a decline.
    expect(statusOfIntent(declined({ code: 'expired_card' }))).toEqual({ status: 'FAILED', paymentError: 'CARD_DECLINED' });
  });

  it('a fact carries the order, intent, amount and upper-case currency', () => {
    expect(factOfIntent(intent({ status: 'succeeded' }))).toEqual({
      orderId: ORDER,
      intentId: 'pi_3Pq9abcdEFGH',
      status: 'PAID',
      paymentError: null,
      amount: 26597,
      currency: 'USD',
    });
  });

  it('an intent that is not one of our orders states nothing', () => {
    expect(factOfIntent(intent({ metadata: {} }))).toBeNull();
    expect(factOfIntent(intent({ metadata: { order_id: 'ord_short' } }))).toBeNull();
    expect(factOfIntent(intent({ metadata: { order_id: `${ORDER}x` } }))).toBeNull();
    expect(orderIdOf({ order_id: 'ORD_ABCDEFGHIJ0123456789' })).toBeNull();
    expect(orderIdOf({ order_id: ORDER })).toBe(ORDER);
  });

  it.each([
    ['another object', { object: 'charge' }],
    ['an id of another kind', { id: 'ch_123' }],
    ['an id with odd characters', { id: 'pi_12;drop' }],
    ['a negative amount', { amount: -1 }],
    ['a fractional amount', { amount: 10.5 }],
    ['an amount as a string', { amount: '26597' }],
    ['an unknown status', { status: 'paid' }],
    ['a long currency', { currency: 'dollars' }],
    ['metadata that is not strings', { metadata: { order_id: 42 } }],
    ['no metadata', { metadata: undefined }],
  ])('refuses an intent with %s', (_name, over) => {
    expect(paymentIntent.safeParse(wire(over)).success).toBe(false);
  });

  it('a refunded charge states REFUNDED once the whole amount is back; a partial refund states PAID', () => {
    const c = (over: Record<string, unknown>) =>
      charge.parse({ id: 'ch_1', object: 'charge', payment_intent: 'pi_3Pq9abcdEFGH', amount: 26597, amount_refunded: 26597, refunded: true, currency: 'usd', metadata: { order_id: ORDER }, ...over });
    expect(factOfCharge(c({}))).toEqual({ orderId: ORDER, intentId: 'pi_3Pq9abcdEFGH', status: 'REFUNDED', paymentError: null, amount: 26597, currency: 'USD' });
    expect(factOfCharge(c({ amount_refunded: 100, refunded: false }))?.status).toBe('PAID');
    expect(factOfCharge(c({ metadata: {} }))).toBeNull();
    expect(charge.safeParse({ id: 'ch_1', object: 'charge', payment_intent: 'nope', amount: 1, amount_refunded: 0, refunded: false, currency: 'usd', metadata: {} }).success).toBe(false);
  });
});
