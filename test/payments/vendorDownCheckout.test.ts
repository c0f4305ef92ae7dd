import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listEvents, setWebhookFaults } from '../../vendors/payments/paylaneClient.js';
import type { PaymentIntent } from '../../vendors/payments/paylaneObjects.js';
import { firstErrorCode } from '../harness/firstErrorCode.js';
import { findLeaks } from '../harness/leaks.js';
import { operation } from '../harness/operations.js';
import { CART, DEFAULT_SECRET, intentIdOf, settleWebhooks, startPaymentsStack, type PaymentsStack } from './paymentsStack.js';

const START = operation('StartCheckout');
const CONFIRM = operation('ConfirmCheckout');
const ORDER = operation('OrderDetails');

/**
 * The payment vendor down or hanging while the app checks out or syncs: the app gets the
 * kit's coded error and nothing of the vendor; its retry with the same idempotency key then
 * finishes the same checkout, never a second payment intent.
 */
describe('payment vendor down during checkout and sync', () => {
  let p: PaymentsStack;
  beforeAll(async () => {
    // Breakers that never open here: each test sees the vendor itself fail, not a fast-failing breaker.
    p = await startPaymentsStack({
      // A deadline of its own, below the request budget (COLD_START_BUDGETS' 5 s), so that a hanging
      // vendor is cut by it; not the production 1 s, which a healthy call missed with both cores busy
      // (the outage test's retry ended VENDOR_TIMEOUT): the tests check what a deadline does, not the machine's speed.
      env: { PAYMENTS_VENDOR_DEADLINE_MS: '3000', PAYMENTS_BREAKER_VOLUME: '100000', PAYMENTS_BREAKER_CONSECUTIVE_FAILURES: '100000' },
    });
  });
  afterAll(async () => {
    await p?.close();
  });
  afterEach(async () => {
    p.sandbox.vendor('payments').control.resetFaults();
    await settleWebhooks(p);
  });

  const vendor = () => p.sandbox.vendor('payments').control;
  const as = async (sub: string) => ({ authorization: `Bearer ${await p.sandbox.identity.oidc.signAccessToken({ sub })}` });

  /** The payment intents the vendor created for this order (its `payment_intent.created` events). */
  const intentsCreatedFor = async (orderId: string): Promise<string[]> => {
    const { data } = await listEvents(p.vendorUrl, p.serverKey, { type: 'payment_intent.created', limit: 100 });
    return data.filter((e) => (e.data.object as PaymentIntent).metadata.order_id === orderId).map((e) => e.data.object.id);
  };

  /** The app sees a coded error and a plain message: no vendor name, URL, key, body or secret. */
  const expectCleanError = (res: { text: string; json: { errors?: { message: string; extensions?: { code?: string } }[] } }, code: string) => {
    expect(firstErrorCode(res.json)).toBe(code);
    expect(findLeaks(res.text, p.sandbox)).toEqual([]);
    expect(res.text).not.toContain(DEFAULT_SECRET);
    expect(res.text).not.toMatch(/paylane|<html|503 Service|upstream/i);
  };

  /** The order this user's checkout with `key` made, read through the graph. */
  const orderOf = async (sub: string, key: string): Promise<string> => {
    const { json } = await p.stack.query(operation('MyOrders'), { first: 50 }, await as(sub));
    const ids = (json.data.myOrders.edges as { node: { id: string } }[]).map((e) => e.node.id);
    expect(ids, `orders of ${sub} after checkout ${key}`).toHaveLength(1);
    return ids[0] as string;
  };

  it('vendor outage during startCheckout → VENDOR_UNAVAILABLE; the retry with the same key: the same order, one intent; another cart → CONFLICT', async () => {
    const auth = await as('usr_0080');
    vendor().setFaults({ outage: true });
    const failed = await p.stack.query(START, { items: CART, idempotencyKey: 'outage-key-0001' }, auth);
    expect(failed.status).toBe(200);
    expect(failed.json.data).toBeNull();
    expectCleanError(failed, 'VENDOR_UNAVAILABLE');
    vendor().resetFaults();

    const retried = await p.stack.query(START, { items: CART, idempotencyKey: 'outage-key-0001' }, auth);
    expect(retried.json.errors).toBeUndefined();
    const orderId = retried.json.data.startCheckout.order.id as string;
    expect(orderId).toBe(await orderOf('usr_0080', 'outage-key-0001'));
    const again = await p.stack.query(START, { items: CART, idempotencyKey: 'outage-key-0001' }, auth);
    expect(again.json.data.startCheckout.order.id).toBe(orderId);
    expect(again.json.data.startCheckout.paymentSheet.clientSecret).toBe(retried.json.data.startCheckout.paymentSheet.clientSecret);
    expect(await intentsCreatedFor(orderId)).toHaveLength(1);

    const otherCart = await p.stack.query(START, { items: [{ productId: 'prod_0004', quantity: 1 }], idempotencyKey: 'outage-key-0001' }, auth);
    expect(firstErrorCode(otherCart.json)).toBe('CONFLICT');
    expect(await intentsCreatedFor(orderId)).toHaveLength(1);
  });

  it('the intent was made but the checkout failed after it (the key call refused): the retry finds that intent, never a second', async () => {
    const auth = await as('usr_0081');
    // A new user: customer and intent go through, then every further call is refused.
    vendor().setFaults({ script: [{ status: 200 }, { status: 200 }, ...Array.from({ length: 10 }, () => ({ status: 503 }))] });
    const failed = await p.stack.query(START, { items: CART, idempotencyKey: 'lost-key-00001' }, auth);
    expectCleanError(failed, 'VENDOR_UNAVAILABLE');
    vendor().resetFaults();
    const orderId = await orderOf('usr_0081', 'lost-key-00001');
    const made = await intentsCreatedFor(orderId);
    expect(made).toHaveLength(1);

    const retried = await p.stack.query(START, { items: CART, idempotencyKey: 'lost-key-00001' }, auth);
    expect(retried.json.errors).toBeUndefined();
    expect(retried.json.data.startCheckout.order.id).toBe(orderId);
    expect(intentIdOf(retried.json.data.startCheckout.paymentSheet.clientSecret)).toBe(made[0]);
    expect(await intentsCreatedFor(orderId)).toEqual(made);
  });

  it('a hanging vendor during startCheckout → VENDOR_TIMEOUT; the retry with the same key: the same order, one intent', async () => {
    const auth = await as('usr_0082');
    vendor().setFaults({ hang: true });
    const failed = await p.stack.query(START, { items: CART, idempotencyKey: 'hang-key-00001' }, auth);
    expectCleanError(failed, 'VENDOR_TIMEOUT');
    vendor().resetFaults();
    const orderId = await orderOf('usr_0082', 'hang-key-00001');
    const retried = await p.stack.query(START, { items: CART, idempotencyKey: 'hang-key-00001' }, auth);
    expect(retried.json.errors).toBeUndefined();
    expect(retried.json.data.startCheckout.order.id).toBe(orderId);
    expect(await intentsCreatedFor(orderId)).toHaveLength(1);
  });

  it('vendor down (outage, then hang) during confirmCheckout → coded error, order unchanged; the sync after recovery pays it', async () => {
    // Only the sync may move this order: the vendor's webhooks wait.
    await setWebhookFaults(p.vendorUrl, { paused: true });
    const app = await p.phone('usr_0083');
    const auth = await as('usr_0083');
    const checkout = await app.startCheckout(CART);
    expect(await app.pay(checkout, 'pm_card_visa')).toBe('succeeded');

    vendor().setFaults({ outage: true });
    expectCleanError(await p.stack.query(CONFIRM, { orderId: checkout.orderId }, auth), 'VENDOR_UNAVAILABLE');
    vendor().resetFaults();
    vendor().setFaults({ hang: true });
    expectCleanError(await p.stack.query(CONFIRM, { orderId: checkout.orderId }, auth), 'VENDOR_TIMEOUT');
    vendor().resetFaults();
    expect((await p.stack.query(ORDER, { id: checkout.orderId }, auth)).json.data.order.status).toBe('PENDING_PAYMENT');

    const synced = await p.stack.query(CONFIRM, { orderId: checkout.orderId }, auth);
    expect(synced.json.errors).toBeUndefined();
    expect(synced.json.data).toEqual({ confirmCheckout: { id: checkout.orderId, status: 'PAID', paymentError: null } });
  });
});
