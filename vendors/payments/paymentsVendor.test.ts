import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { vendorFetch } from '../sandbox/vendorFetch.js';
import { createPaymentsVendor, type RunningPaymentsVendor } from './createPaymentsVendor.js';
import {
  authenticatePayment,
  confirmPayment,
  createCustomer,
  createEphemeralKey,
  createPaymentIntent,
  getIntent,
  listEvents,
  listPaymentMethods,
  refund,
  retrieveClientIntent,
} from './paylaneClient.js';
import type { PaymentIntent } from './paylaneObjects.js';

const KEY = sandboxVendorEntry('payments').defaultKey;
let vendor: RunningPaymentsVendor;
beforeAll(async () => {
  vendor = await createPaymentsVendor({ apiKey: KEY });
});
afterAll(() => vendor.close());

const newIntent = (amount = 1999, extra: { customer?: string; metadata?: Record<string, string> } = {}) =>
  createPaymentIntent(vendor.url, KEY, { amount, currency: 'eur', ...extra });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  vendorFetch(vendor, path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'idempotency-key': crypto.randomUUID(), ...headers } });
const errorOf = async (res: Response) => ((await res.json()) as { error: Record<string, unknown> }).error;
const eventsFor = async (intentId: string) =>
  (await listEvents(vendor.url, KEY, { limit: 100 })).data.filter((e) => (e.data.object as { id: string; payment_intent?: string }).id === intentId || (e.data.object as { payment_intent?: string }).payment_intent === intentId).map((e) => e.type).reverse();

describe('Paylane: PaymentIntents', () => {
  it('creates an intent shaped like Stripe\'s, with a client secret, and emits payment_intent.created', async () => {
    const intent = await newIntent(2500, { metadata: { order: 'ord_1' } });
    expect(intent).toMatchObject({ object: 'payment_intent', amount: 2500, amount_received: 0, amount_refunded: 0, currency: 'eur', customer: null, status: 'requires_payment_method', latest_charge: null, last_payment_error: null, next_action: null, livemode: false, metadata: { order: 'ord_1' } });
    expect(intent.id).toMatch(/^pi_[A-Za-z0-9]{24}$/);
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_[A-Za-z0-9]{24}$`));
    expect(Math.abs(intent.created - Date.now() / 1000)).toBeLessThan(3600);
    expect(await getIntent(vendor.url, KEY, intent.id)).toEqual(intent);
    expect(await eventsFor(intent.id)).toEqual(['payment_intent.created']);
  });

  it.each([
    ['pm_card_visa', 'visa'],
    [{ card: { number: '4242424242424242' } }, 'number'],
  ])('succeeds with %j (%s): amount received, a charge, payment_intent.succeeded', async (method, _label) => {
    const intent = await newIntent(1234, { metadata: { order: 'ord_2' } });
    const result = await confirmPayment(vendor.url, intent.id, intent.client_secret, method);
    expect(result.outcome).toBe('succeeded');
    expect(result.intent).not.toHaveProperty('metadata');
    expect(result.intent).not.toHaveProperty('customer');
    const after = await getIntent(vendor.url, KEY, intent.id);
    expect(after).toMatchObject({ status: 'succeeded', amount_received: 1234, last_payment_error: null });
    expect(after.latest_charge).toMatch(/^ch_[A-Za-z0-9]{24}$/);
    expect(await eventsFor(intent.id)).toEqual(['payment_intent.created', 'payment_intent.succeeded']);
  });

  it.each([
    ['pm_card_chargeDeclined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    [{ card: { number: '4000000000000002' } }, 'generic_decline'],
    [{ card: { number: '4000 0000 0000 9995' } }, 'insufficient_funds'],
    [{ card: { number: '5555555555554444' } }, 'generic_decline'],
  ])('declines %j with 402 %s, then lets the same intent succeed with another card', async (method, declineCode) => {
    const intent = await newIntent();
    const res = await fetch(`${vendor.url}/v1/payment_intents/${intent.id}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_secret: intent.client_secret, payment_method: method }),
    });
    expect(res.status).toBe(402);
    const error = await errorOf(res);
    expect(error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: declineCode, payment_intent: { id: intent.id, status: 'requires_payment_method' } });
    expect(error.payment_intent).not.toHaveProperty('metadata');
    const failed = await getIntent(vendor.url, KEY, intent.id);
    expect(failed.last_payment_error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: declineCode });
    expect((await confirmPayment(vendor.url, intent.id, intent.client_secret, 'pm_card_visa')).outcome).toBe('succeeded');
    expect((await getIntent(vendor.url, KEY, intent.id)).last_payment_error).toBeNull();
    expect(await eventsFor(intent.id)).toEqual(['payment_intent.created', 'payment_intent.payment_failed', 'payment_intent.succeeded']);
  });

  it('asks for 3-D Secure, and succeeds when the challenge is approved', async () => {
    const intent = await newIntent();
    const result = await confirmPayment(vendor.url, intent.id, intent.client_secret, 'pm_card_threeDSecureRequired');
    expect(result).toMatchObject({ outcome: 'requires_action', intent: { status: 'requires_action', next_action: { type: 'authenticate' } } });
    expect(await eventsFor(intent.id)).toEqual(['payment_intent.created', 'payment_intent.requires_action']);
    const approved = await authenticatePayment(vendor.url, intent.id, intent.client_secret, 'approve');
    expect(approved).toMatchObject({ status: 'succeeded', next_action: null, amount_received: intent.amount });
    expect(await eventsFor(intent.id)).toEqual(['payment_intent.created', 'payment_intent.requires_action', 'payment_intent.succeeded']);
  });

  it('goes back to requires_payment_method when the challenge is denied, and authenticate is refused outside requires_action', async () => {
    const intent = await newIntent();
    const early = await post(`/v1/payment_intents/${intent.id}/authenticate`, { client_secret: intent.client_secret, result: 'approve' });
    expect(early.status).toBe(400);
    expect(await errorOf(early)).toMatchObject({ type: 'invalid_request_error', code: 'payment_intent_unexpected_state' });
    await confirmPayment(vendor.url, intent.id, intent.client_secret, { card: { number: '4000002500003155' } });
    const denied = await authenticatePayment(vendor.url, intent.id, intent.client_secret, 'deny');
    expect(denied).toMatchObject({ status: 'requires_payment_method', next_action: null, last_payment_error: { type: 'card_error', code: 'authentication_required' } });
    expect(await eventsFor(intent.id)).toEqual(['payment_intent.created', 'payment_intent.requires_action', 'payment_intent.payment_failed']);
    const bad = await post(`/v1/payment_intents/${intent.id}/authenticate`, { client_secret: intent.client_secret, result: 'maybe' });
    expect(await errorOf(bad)).toMatchObject({ type: 'invalid_request_error', param: 'result' });
  });

  it('refuses to confirm an intent that already succeeded', async () => {
    const intent = await newIntent();
    await confirmPayment(vendor.url, intent.id, intent.client_secret, 'pm_card_visa');
    const again = await post(`/v1/payment_intents/${intent.id}/confirm`, { client_secret: intent.client_secret, payment_method: 'pm_card_visa' });
    expect(again.status).toBe(400);
    expect(await errorOf(again)).toMatchObject({ code: 'payment_intent_unexpected_state' });
  });

  it('shows the phone a client view: no metadata, no customer', async () => {
    const customer = await createCustomer(vendor.url, KEY);
    const intent = await newIntent(900, { customer: customer.id, metadata: { secret_note: 'x' } });
    const view = await retrieveClientIntent(vendor.url, intent.id, intent.client_secret);
    expect(view).toMatchObject({ id: intent.id, object: 'payment_intent', amount: 900, currency: 'eur', status: 'requires_payment_method', client_secret: intent.client_secret, last_payment_error: null, next_action: null, created: intent.created });
    expect(view).not.toHaveProperty('metadata');
    expect(view).not.toHaveProperty('customer');
  });
});

describe('Paylane: credentials', () => {
  let intent: PaymentIntent;
  beforeAll(async () => {
    intent = await newIntent();
  });
  const confirmWith = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${vendor.url}/v1/payment_intents/${intent.id}/confirm`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('answers a wrong, missing or foreign client secret with 401 client_secret_invalid, saying nothing about the intent', async () => {
    const other = await newIntent();
    const answers = await Promise.all([
      confirmWith({ client_secret: `${intent.id}_secret_${'x'.repeat(24)}`, payment_method: 'pm_card_visa' }),
      confirmWith({ payment_method: 'pm_card_visa' }),
      confirmWith({ client_secret: other.client_secret, payment_method: 'pm_card_visa' }),
      fetch(`${vendor.url}/v1/payment_intents/pi_${'A'.repeat(24)}/confirm`, { method: 'POST', body: JSON.stringify({ client_secret: intent.client_secret, payment_method: 'pm_card_visa' }) }),
      fetch(`${vendor.url}/v1/payment_intents/${intent.id}/client?client_secret=nope`),
    ]);
    const bodies = await Promise.all(answers.map(errorOf));
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    for (const error of bodies) {
      expect(error).toMatchObject({ type: 'invalid_request_error', code: 'client_secret_invalid' });
      expect(JSON.stringify(error)).not.toContain('requires_payment_method');
      expect(error).not.toHaveProperty('payment_intent');
    }
    expect((await getIntent(vendor.url, KEY, intent.id)).status).toBe('requires_payment_method');
  });

  it('never takes the server key as a client credential', async () => {
    const res = await confirmWith({ client_secret: KEY, payment_method: 'pm_card_visa' }, { authorization: `Bearer ${KEY}` });
    expect(res.status).toBe(401);
    const noSecret = await confirmWith({ payment_method: 'pm_card_visa' }, { authorization: `Bearer ${KEY}` });
    expect(noSecret.status).toBe(401);
    const customer = await createCustomer(vendor.url, KEY);
    const methods = await vendorFetch(vendor, `/v1/customers/${customer.id}/payment_methods`);
    expect(methods.status).toBe(401);
    expect(await errorOf(methods)).toMatchObject({ code: 'ephemeral_key_invalid' });
  });

  it('never takes an ephemeral key or a client secret on a server route', async () => {
    const customer = await createCustomer(vendor.url, KEY);
    const ek = await createEphemeralKey(vendor.url, KEY, customer.id);
    for (const credential of [ek.secret, intent.client_secret]) {
      const res = await fetch(`${vendor.url}/v1/payment_intents/${intent.id}`, { headers: { authorization: `Bearer ${credential}` } });
      expect(res.status).toBe(401);
      const created = await fetch(`${vendor.url}/v1/customers`, { method: 'POST', headers: { authorization: `Bearer ${credential}`, 'idempotency-key': 'k1' }, body: '{}' });
      expect(created.status).toBe(401);
    }
  });

  it('lists the cards a customer paid with, to the holder of that customer\'s ephemeral key only', async () => {
    const customer = await createCustomer(vendor.url, KEY, { user: 'usr_0001' });
    expect(customer.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    const ek = await createEphemeralKey(vendor.url, KEY, customer.id);
    expect(ek).toMatchObject({ object: 'ephemeral_key', customer: customer.id, expires: ek.created + 3600 });
    expect(ek.id).toMatch(/^ephkey_/);
    expect(ek.secret).toMatch(/^ek_test_[A-Za-z0-9]{32}$/);
    expect(await listPaymentMethods(vendor.url, customer.id, ek.secret)).toEqual([]);

    for (const method of ['pm_card_chargeDeclined', 'pm_card_visa', 'pm_card_visa']) {
      const paying = await newIntent(500, { customer: customer.id });
      await confirmPayment(vendor.url, paying.id, paying.client_secret, method);
    }
    const threeDs = await newIntent(500, { customer: customer.id });
    await confirmPayment(vendor.url, threeDs.id, threeDs.client_secret, 'pm_card_threeDSecureRequired');
    await authenticatePayment(vendor.url, threeDs.id, threeDs.client_secret, 'approve');
    const cards = await listPaymentMethods(vendor.url, customer.id, ek.secret);
    expect(cards.map((c) => ({ type: c.type, card: c.card }))).toEqual([
      { type: 'card', card: { brand: 'visa', last4: '4242' } },
      { type: 'card', card: { brand: 'visa', last4: '3155' } },
    ]);
    expect(cards[0]?.id).toMatch(/^pm_[A-Za-z0-9]{24}$/);

    // A saved card pays again, for its own customer only.
    const again = await newIntent(700, { customer: customer.id });
    expect((await confirmPayment(vendor.url, again.id, again.client_secret, cards[0]?.id as string)).outcome).toBe('succeeded');
    const stranger = await newIntent(700);
    const foreign = await post(`/v1/payment_intents/${stranger.id}/confirm`, { client_secret: stranger.client_secret, payment_method: cards[0]?.id });
    expect(foreign.status).toBe(404);

    const other = await createCustomer(vendor.url, KEY);
    const wrongCustomer = await fetch(`${vendor.url}/v1/customers/${other.id}/payment_methods`, { headers: { authorization: `Bearer ${ek.secret}` } });
    expect(wrongCustomer.status).toBe(403);
    const unknown = await fetch(`${vendor.url}/v1/customers/${customer.id}/payment_methods`, { headers: { authorization: `Bearer ek_test_${'a'.repeat(32)}` } });
    expect(unknown.status).toBe(401);
  });

  it('refuses an expired ephemeral key with 401', async () => {
    let now = Date.now();
    const clocked = await createPaymentsVendor({ apiKey: KEY, clock: () => now, ephemeralKeyLifetimeS: 60 });
    try {
      const customer = await createCustomer(clocked.url, KEY);
      const ek = await createEphemeralKey(clocked.url, KEY, customer.id);
      expect(ek.expires - ek.created).toBe(60);
      expect(await listPaymentMethods(clocked.url, customer.id, ek.secret)).toEqual([]);
      now += 61_000;
      const res = await fetch(`${clocked.url}/v1/customers/${customer.id}/payment_methods`, { headers: { authorization: `Bearer ${ek.secret}` } });
      expect(res.status).toBe(401);
      expect(await errorOf(res)).toMatchObject({ code: 'ephemeral_key_expired' });
    } finally {
      await clocked.close();
    }
  });

  it('404s an ephemeral key for an unknown customer', async () => {
    const res = await post('/v1/ephemeral_keys', { customer: `cus_${'Z'.repeat(14)}` });
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing', param: 'customer' });
  });
});

describe('Paylane: idempotency', () => {
  it('replays the first answer for the same key and body, creating nothing new', async () => {
    const key = crypto.randomUUID();
    const body = { amount: 4200, currency: 'usd', metadata: { a: '1', b: '2' } };
    const first = await post('/v1/payment_intents', body, { 'idempotency-key': key });
    const firstBody = (await first.json()) as PaymentIntent;
    const eventsBefore = (await listEvents(vendor.url, KEY, { limit: 100 })).data.length;
    const replay = await post('/v1/payment_intents', { metadata: { b: '2', a: '1' }, currency: 'usd', amount: 4200 }, { 'idempotency-key': key });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await replay.json()).toEqual(firstBody);
    expect((await listEvents(vendor.url, KEY, { limit: 100 })).data.length).toBe(eventsBefore);
  });

  it('answers 409 idempotency_key_reused for the same key with another body or endpoint', async () => {
    const key = crypto.randomUUID();
    expect((await post('/v1/payment_intents', { amount: 100, currency: 'usd' }, { 'idempotency-key': key })).status).toBe(200);
    const conflict = await post('/v1/payment_intents', { amount: 101, currency: 'usd' }, { 'idempotency-key': key });
    expect(conflict.status).toBe(409);
    expect(await errorOf(conflict)).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_reused' });
    expect((await post('/v1/customers', { amount: 100, currency: 'usd' }, { 'idempotency-key': key })).status).toBe(409);
  });

  it('requires a key of 1..255 characters on every POST', async () => {
    for (const path of ['/v1/customers', '/v1/payment_intents', '/v1/ephemeral_keys', '/v1/refunds']) {
      const res = await vendorFetch(vendor, path, { method: 'POST', body: '{}' });
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toMatchObject({ type: 'invalid_request_error', code: 'idempotency_key_required' });
    }
    expect((await post('/v1/customers', {}, { 'idempotency-key': 'k'.repeat(256) })).status).toBe(400);
  });
});

describe('Paylane: refunds', () => {
  const paid = async (amount = 1000) => {
    const intent = await newIntent(amount, { metadata: { order: 'ord_r' } });
    await confirmPayment(vendor.url, intent.id, intent.client_secret, 'pm_card_visa');
    return intent;
  };

  it('refunds in part, then the rest by default, emitting charge.refunded with the charge each time', async () => {
    const intent = await paid(1000);
    const part = await refund(vendor.url, KEY, intent.id, 300);
    expect(part).toMatchObject({ object: 'refund', payment_intent: intent.id, amount: 300, currency: 'eur', status: 'succeeded' });
    expect(part.id).toMatch(/^re_/);
    expect((await getIntent(vendor.url, KEY, intent.id)).amount_refunded).toBe(300);
    const rest = await refund(vendor.url, KEY, intent.id);
    expect(rest.amount).toBe(700);
    const after = await getIntent(vendor.url, KEY, intent.id);
    expect(after).toMatchObject({ amount_refunded: 1000, status: 'succeeded' });
    expect(rest.charge).toBe(after.latest_charge);
    const refunds = (await listEvents(vendor.url, KEY, { type: 'charge.refunded' })).data.filter((e) => (e.data.object as { payment_intent: string }).payment_intent === intent.id);
    expect(refunds.map((e) => e.data.object)).toMatchObject([
      { object: 'charge', amount: 1000, amount_refunded: 1000, refunded: true, metadata: { order: 'ord_r' }, status: 'succeeded' },
      { object: 'charge', amount: 1000, amount_refunded: 300, refunded: false },
    ]);
  });

  it('refuses a refund too large, of a fully refunded intent, or before success', async () => {
    const intent = await paid(1000);
    const tooLarge = await post('/v1/refunds', { payment_intent: intent.id, amount: 1001 });
    expect(tooLarge.status).toBe(400);
    expect(await errorOf(tooLarge)).toMatchObject({ type: 'invalid_request_error', code: 'amount_too_large' });
    await refund(vendor.url, KEY, intent.id);
    const again = await post('/v1/refunds', { payment_intent: intent.id });
    expect(await errorOf(again)).toMatchObject({ code: 'charge_not_refundable' });
    const unpaid = await newIntent();
    const early = await post('/v1/refunds', { payment_intent: unpaid.id });
    expect(early.status).toBe(400);
    expect(await errorOf(early)).toMatchObject({ code: 'charge_not_refundable' });
    const missing = await post('/v1/refunds', { payment_intent: `pi_${'0'.repeat(24)}` });
    expect(missing.status).toBe(404);
  });
});

describe('Paylane: malformed input', () => {
  it.each([
    ['not JSON', '/v1/payment_intents', '{nope', 'body'],
    ['a JSON array', '/v1/payment_intents', [1], 'body'],
    ['no amount', '/v1/payment_intents', { currency: 'eur' }, 'amount'],
    ['a string amount', '/v1/payment_intents', { amount: '100', currency: 'eur' }, 'amount'],
    ['a fractional amount', '/v1/payment_intents', { amount: 10.5, currency: 'eur' }, 'amount'],
    ['an amount under 50', '/v1/payment_intents', { amount: 49, currency: 'eur' }, 'amount'],
    ['an amount over 99,999,999', '/v1/payment_intents', { amount: 100_000_000, currency: 'eur' }, 'amount'],
    ['a bad currency', '/v1/payment_intents', { amount: 100, currency: 'euro' }, 'currency'],
    ['a numeric currency', '/v1/payment_intents', { amount: 100, currency: 978 }, 'currency'],
    ['a malformed customer id', '/v1/payment_intents', { amount: 100, currency: 'eur', customer: 'cus_1' }, 'customer'],
    ['an unknown field', '/v1/payment_intents', { amount: 100, currency: 'eur', capture_method: 'manual' }, 'capture_method'],
    ['21 metadata keys', '/v1/customers', { metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata'],
    ['a 501-character metadata value', '/v1/customers', { metadata: { note: 'x'.repeat(501) } }, 'metadata[note]'],
    ['a non-string metadata value', '/v1/customers', { metadata: { n: 1 } }, 'metadata[n]'],
    ['metadata as an array', '/v1/customers', { metadata: ['a'] }, 'metadata'],
    ['an ephemeral key without a customer', '/v1/ephemeral_keys', {}, 'customer'],
    ['a refund of a malformed intent id', '/v1/refunds', { payment_intent: 'pi_123' }, 'payment_intent'],
    ['a refund of 0', '/v1/refunds', { payment_intent: `pi_${'0'.repeat(24)}`, amount: 0 }, 'amount'],
  ])('refuses %s with 400 invalid_request_error naming the param', async (_what, path, body, param) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error).toMatchObject({ type: 'invalid_request_error', param, vendor: 'Paylane' });
    expect(error.code).toEqual(expect.any(String));
  });

  it('accepts metadata at the limits and lower-cases the currency, as Stripe does', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v'.repeat(500)]));
    const intent = await createPaymentIntent(vendor.url, KEY, { amount: 50, currency: 'EUR', metadata });
    expect(intent.currency).toBe('eur');
    expect(Object.keys(intent.metadata)).toHaveLength(20);
    expect((await createPaymentIntent(vendor.url, KEY, { amount: 99_999_999, currency: 'jpy' })).amount).toBe(99_999_999);
  });

  it('refuses malformed path and query params with 400, unknown ids with 404', async () => {
    const bad = await vendorFetch(vendor, '/v1/payment_intents/pi_short');
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toMatchObject({ type: 'invalid_request_error', param: 'intent' });
    const missing = await vendorFetch(vendor, `/v1/payment_intents/pi_${'x'.repeat(24)}`);
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing' });
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'starting_after=evt_1', 'type=payment_intent.exploded']) {
      const res = await vendorFetch(vendor, `/v1/events?${query}`);
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).type).toBe('invalid_request_error');
    }
    expect((await vendorFetch(vendor, `/v1/events?starting_after=evt_${'q'.repeat(24)}`)).status).toBe(404);
    const intent = await newIntent();
    const badCard = await post(`/v1/payment_intents/${intent.id}/confirm`, { client_secret: intent.client_secret, payment_method: { card: { number: '4242-abc' } } });
    expect(badCard.status).toBe(400);
    expect(await errorOf(badCard)).toMatchObject({ param: 'payment_method[card][number]' });
    const unknownMethod = await post(`/v1/payment_intents/${intent.id}/confirm`, { client_secret: intent.client_secret, payment_method: 'pm_card_mastercard' });
    expect(unknownMethod.status).toBe(404);
    const noMethod = await post(`/v1/payment_intents/${intent.id}/confirm`, { client_secret: intent.client_secret });
    expect(await errorOf(noMethod)).toMatchObject({ param: 'payment_method', code: 'parameter_missing' });
  });
});
