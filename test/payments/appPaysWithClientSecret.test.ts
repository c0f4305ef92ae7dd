import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PaylaneClientError, confirmPayment, getIntent, listPaymentMethods, retrieveClientIntent } from '../../vendors/payments/paylaneClient.js';
import { findLeaks } from '../harness/leaks.js';
import { operation } from '../harness/operations.js';
import { CART, DEFAULT_SECRET, intentIdOf, settleWebhooks, startPaymentsStack, transitions, waitFor, type PaymentsStack } from './paymentsStack.js';

/**
 * C2S2C: the app pays the vendor itself with the narrow credentials `startCheckout` minted,
 * then syncs; the server believes only the vendor. And C2S2S: the vendor's webhook alone.
 */
describe('the app pays with the client secret only (C2S2C), the webhook alone also pays (C2S2S)', () => {
  let p: PaymentsStack;
  beforeAll(async () => {
    p = await startPaymentsStack();
  });
  afterAll(async () => {
    await p?.close();
  });
  afterEach(async () => {
    await settleWebhooks(p);
  });

  it('prices from the catalog, pays at the vendor with only the client secret, syncs, and is PAID', async () => {
    const app = await p.phone('usr_0042');
    const checkout = await app.startCheckout(CART);
    expect(checkout.total).toEqual({ amount: '265.97', currency: 'USD' });
    expect(checkout.clientSecret).toMatch(/^pi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/);
    // The client secret reads and pays this one intent, nothing more: the server API refuses it.
    const intentId = intentIdOf(checkout.clientSecret);
    await expect(getIntent(p.vendorUrl, checkout.clientSecret, intentId)).rejects.toMatchObject({ status: 401 });
    expect(await app.pay(checkout, 'pm_card_visa')).toBe('succeeded');
    expect(await app.confirm(checkout.orderId)).toEqual({ id: checkout.orderId, status: 'PAID', paymentError: null });
    const intent = await getIntent(p.vendorUrl, p.serverKey, intentId);
    expect(intent).toMatchObject({ amount: 26597, currency: 'usd', status: 'succeeded', metadata: { order_id: checkout.orderId } });
  });

  it('a lying sync (the app says it paid; the card was declined) leaves the order unpaid', async () => {
    const app = await p.phone('usr_0042');
    const checkout = await app.startCheckout(CART);
    const declined = await confirmPayment(p.vendorUrl, intentIdOf(checkout.clientSecret), checkout.clientSecret, 'pm_card_chargeDeclined');
    expect(declined.outcome).toBe('declined');
    // The app syncs as if it had succeeded (confirmCheckout carries no claim at all): the server asks the vendor.
    const synced = await app.confirm(checkout.orderId);
    expect(synced).toEqual({ id: checkout.orderId, status: 'FAILED', paymentError: 'CARD_DECLINED' });
    await app.confirm(checkout.orderId);
    expect((await app.order(checkout.orderId))?.status).toBe('FAILED');
    expect((await transitions(p.db(), checkout.orderId)).map((t) => t.to_status)).not.toContain('PAID');
  });

  it('never shows the app the server key, the webhook secret or the vendor: not in the graph, not in the sheet', async () => {
    const token = await p.sandbox.identity.oidc.signAccessToken({ sub: 'usr_0042' });
    const auth = { authorization: `Bearer ${token}` };
    const texts: string[] = [];
    const start = await p.stack.query(operation('StartCheckout'), { items: CART, idempotencyKey: 'leakcheck-0001' }, auth);
    texts.push(start.text);
    expect(start.json.errors, start.text).toBeUndefined();
    const sheet = start.json.data.startCheckout.paymentSheet as { clientSecret: string; customerId: string; customerEphemeralKey: string };
    const orderId = start.json.data.startCheckout.order.id as string;
    // What the phone's sheet sees at the vendor with its credentials.
    texts.push(JSON.stringify(await retrieveClientIntent(p.vendorUrl, intentIdOf(sheet.clientSecret), sheet.clientSecret)));
    texts.push(JSON.stringify(await confirmPayment(p.vendorUrl, intentIdOf(sheet.clientSecret), sheet.clientSecret, 'pm_card_visa')));
    texts.push(JSON.stringify(await listPaymentMethods(p.vendorUrl, sheet.customerId, sheet.customerEphemeralKey)));
    for (const [query, variables] of [
      [operation('ConfirmCheckout'), { orderId }],
      [operation('OrderDetails'), { id: orderId }],
      [operation('MyOrders'), { first: 5 }],
    ] as const) {
      const res = await p.stack.query(query, variables, auth);
      expect(res.json.errors, res.text).toBeUndefined();
      texts.push(res.text);
    }
    // And an error: an order that is not the user's.
    texts.push((await p.stack.query(operation('ConfirmCheckout'), { orderId: 'ord_aaaaaaaaaaaaaaaaaaaa' }, auth)).text);
    for (const text of texts) {
      expect(text).not.toContain(p.serverKey);
      expect(text).not.toContain(DEFAULT_SECRET);
      expect(text).not.toContain(DEFAULT_SECRET.slice('whsec_'.length));
    }
    // The graph's answers name no vendor at all (the vendor's own answers are the vendor's).
    for (const text of [texts[0] as string, ...texts.slice(4)]) expect(findLeaks(text, p.sandbox)).toEqual([]);
  });

  it('3-D Secure approved → PAID; denied → FAILED with AUTHENTICATION_FAILED', async () => {
    const app = await p.phone('usr_0043');
    const approved = await app.startCheckout(CART);
    expect(await app.pay(approved, 'pm_card_threeDSecureRequired', 'approve')).toBe('succeeded');
    expect((await app.confirm(approved.orderId)).status).toBe('PAID');

    const denied = await app.startCheckout(CART);
    expect(await app.pay(denied, 'pm_card_threeDSecureRequired', 'deny')).toBe('requires_payment_method');
    expect(await app.confirm(denied.orderId)).toEqual({ id: denied.orderId, status: 'FAILED', paymentError: 'AUTHENTICATION_FAILED' });
  });

  it('insufficient funds → FAILED with INSUFFICIENT_FUNDS', async () => {
    const app = await p.phone('usr_0042');
    const checkout = await app.startCheckout(CART);
    expect(await app.pay(checkout, 'pm_card_chargeDeclinedInsufficientFunds')).toBe('requires_payment_method');
    expect(await app.confirm(checkout.orderId)).toEqual({ id: checkout.orderId, status: 'FAILED', paymentError: 'INSUFFICIENT_FUNDS' });
  });

  it('a declined card, then a good one on the same order → PAID (and the sheet is offered again while FAILED)', async () => {
    const app = await p.phone('usr_0042');
    const key = 'retry-card-0001';
    const checkout = await app.startCheckout(CART, key);
    expect(await app.pay(checkout, 'pm_card_chargeDeclined')).toBe('requires_payment_method');
    expect((await app.confirm(checkout.orderId)).status).toBe('FAILED');
    // The app reopens the sheet for the same checkout: same order, same intent.
    const again = await app.startCheckout(CART, key);
    expect(again.orderId).toBe(checkout.orderId);
    expect(again.clientSecret).toBe(checkout.clientSecret);
    expect(await app.pay(again, 'pm_card_visa')).toBe('succeeded');
    expect(await app.confirm(checkout.orderId)).toEqual({ id: checkout.orderId, status: 'PAID', paymentError: null });
    expect((await transitions(p.db(), checkout.orderId)).map((t) => `${t.from_status}→${t.to_status}`)).toEqual(['PENDING_PAYMENT→FAILED', 'FAILED→PAID']);
  });

  it("the ephemeral key lists only its own customer's saved cards at the vendor", async () => {
    const alice = await p.phone('usr_0044');
    const bob = await p.phone('usr_0045');
    const a = await alice.startCheckout(CART);
    const b = await bob.startCheckout(CART);
    expect(a.customerId).not.toBe(b.customerId);
    expect(await alice.pay(a, 'pm_card_visa')).toBe('succeeded');
    expect(await bob.pay(b, 'pm_card_threeDSecureRequired', 'approve')).toBe('succeeded');

    const aliceCards = await listPaymentMethods(p.vendorUrl, a.customerId, a.customerEphemeralKey);
    expect(aliceCards.map((c) => c.card.last4)).toEqual(['4242']);
    const bobCards = await listPaymentMethods(p.vendorUrl, b.customerId, b.customerEphemeralKey);
    expect(bobCards.map((c) => c.card.last4)).toEqual(['3155']);
    // Alice's key opens nothing of Bob's.
    const refused = await listPaymentMethods(p.vendorUrl, b.customerId, a.customerEphemeralKey).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(PaylaneClientError);
    expect((refused as PaylaneClientError).status).toBe(403);
    // Each checkout mints a fresh, short-lived key for the same customer.
    const next = await alice.startCheckout(CART);
    expect(next.customerId).toBe(a.customerId);
    expect(next.customerEphemeralKey).not.toBe(a.customerEphemeralKey);
    const sheet = await alice.graphql(operation('StartCheckout'), { items: CART, idempotencyKey: 'expiry-check-01' });
    const expiresAt = Date.parse((sheet.startCheckout as { paymentSheet: { customerEphemeralKeyExpiresAt: string } }).paymentSheet.customerEphemeralKeyExpiresAt);
    expect(expiresAt).toBeGreaterThan(Date.now());
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000 + 5_000);
  });

  it('with the app never syncing, the webhook alone moves the order to PAID', async () => {
    const app = await p.phone('usr_0046');
    const checkout = await app.startCheckout(CART);
    expect(await app.pay(checkout, 'pm_card_visa')).toBe('succeeded');
    // Only reads from here on: the phone polls its order through the graph.
    expect(await app.waitForStatus(checkout.orderId, (s) => s === 'PAID')).toBe('PAID');
    const changes = await waitFor('the transition', async () => {
      const t = await transitions(p.db(), checkout.orderId);
      return t.length > 0 ? t : undefined;
    });
    expect(changes).toEqual([{ from_status: 'PENDING_PAYMENT', to_status: 'PAID', source: 'webhook', event_id: expect.stringMatching(/^evt_/) }]);
  });

  it('the webhook alone also reports a decline (FAILED with its reason) when the app never syncs', async () => {
    const app = await p.phone('usr_0046');
    const checkout = await app.startCheckout(CART);
    expect(await app.pay(checkout, 'pm_card_chargeDeclinedInsufficientFunds')).toBe('requires_payment_method');
    expect(await app.waitForStatus(checkout.orderId, (s) => s === 'FAILED')).toBe('FAILED');
    expect((await app.order(checkout.orderId))?.paymentError).toBe('INSUFFICIENT_FUNDS');
  });
});
