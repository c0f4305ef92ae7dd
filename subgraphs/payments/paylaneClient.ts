import type { VendorClient } from '../kit/vendor/createVendorClient.js';
import { parseAnswer } from '../kit/vendor/vendorAnswer.js';
import { count, z } from '../kit/vendor/vendorValues.js';
import { CUSTOMER_ID, paymentIntent } from './paymentIntent.js';

/** The intent's client secret: `pi_…_secret_…`, handed to the app and nothing else. */
const CLIENT_SECRET = z.string().regex(/^pi_[A-Za-z0-9]{1,64}_secret_[A-Za-z0-9]{1,64}$/, { message: 'must be a client secret' });
const withSecret = paymentIntent.extend({ client_secret: CLIENT_SECRET });
export type IntentWithSecret = z.output<typeof withSecret>;

const customer = z.object({ id: CUSTOMER_ID, object: z.literal('customer') });
const ephemeralKey = z.object({
  object: z.literal('ephemeral_key'),
  secret: z.string().regex(/^ek_[A-Za-z0-9_]{8,128}$/, { message: 'must be an ephemeral key' }),
  customer: CUSTOMER_ID,
  expires: count(4_102_444_800),
});
export type EphemeralKey = z.output<typeof ephemeralKey>;

export interface NewIntent {
  readonly orderId: string;
  readonly amount: number;
  /** ISO 4217, any case; sent lower case as the vendor wants it. */
  readonly currency: string;
  readonly customerId: string;
}

/**
 * The payment vendor's API as kit operations. Every POST carries an idempotency key
 * derived from what it creates (the order, the user), so the vendor answers a repeat with
 * the first result: that makes the kit's retries safe for these writes, and an app's
 * retry of `startCheckout` never creates a second intent or customer.
 */
export function createPaylaneClient(vendor: VendorClient) {
  const createCustomer = vendor.operation<{ userId: string }, string>({
    name: 'customers.create',
    idempotent: true,
    request: ({ userId }) => ({
      method: 'POST',
      path: '/v1/customers',
      headers: { 'idempotency-key': `customer-${userId}` },
      body: { metadata: { user_id: userId } },
    }),
    parse: (json) => parseAnswer(customer, json).id,
  });

  const createIntent = vendor.operation<NewIntent, IntentWithSecret>({
    name: 'payment_intents.create',
    idempotent: true,
    request: (intent) => ({
      method: 'POST',
      path: '/v1/payment_intents',
      headers: { 'idempotency-key': `order-${intent.orderId}` },
      body: { amount: intent.amount, currency: intent.currency.toLowerCase(), customer: intent.customerId, metadata: { order_id: intent.orderId } },
    }),
    parse: (json, _status, intent) => {
      const created = parseAnswer(withSecret, json);
      if (created.metadata.order_id !== intent.orderId || created.amount !== intent.amount) {
        throw new Error('vendor answer refused: the intent is not the one asked for (order or amount differ)');
      }
      return created;
    },
  });

  const getIntent = vendor.operation<string, IntentWithSecret>({
    name: 'payment_intents.get',
    idempotent: true,
    request: (id) => ({ method: 'GET', path: `/v1/payment_intents/${encodeURIComponent(id)}` }),
    parse: (json, _status, id) => {
      const intent = parseAnswer(withSecret, json);
      if (intent.id !== id) throw new Error(`vendor answer refused: body.id is not the intent asked (${id})`);
      return intent;
    },
  });

  const createEphemeralKey = vendor.operation<{ customerId: string; nonce: string }, EphemeralKey>({
    name: 'ephemeral_keys.create',
    idempotent: true,
    request: ({ customerId, nonce }) => ({
      method: 'POST',
      path: '/v1/ephemeral_keys',
      headers: { 'idempotency-key': `ephkey-${nonce}` },
      body: { customer: customerId },
    }),
    parse: (json, _status, { customerId }) => {
      const key = parseAnswer(ephemeralKey, json);
      if (key.customer !== customerId) throw new Error('vendor answer refused: the key is for another customer');
      return key;
    },
  });

  return { createCustomer, createIntent, getIntent, createEphemeralKey };
}

export type PaylaneClient = ReturnType<typeof createPaylaneClient>;
