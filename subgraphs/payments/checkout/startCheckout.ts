import { randomUUID } from 'node:crypto';
import { AppError } from '../../../platform/errors/AppError.js';
import type { Order } from '../model.js';
import { AWAITING_PAYMENT } from '../orderStatus.js';
import { factOfIntent } from '../paymentIntent.js';
import type { CheckoutDeps } from './CheckoutDeps.js';
import { checkIdempotencyKey, checkoutLines, type CheckoutLine } from './checkoutItems.js';
import { priceOrder } from './priceOrder.js';

export interface PaymentSheet {
  readonly clientSecret: string;
  readonly customerId: string;
  readonly customerEphemeralKey: string;
  readonly customerEphemeralKeyExpiresAt: string;
}

export interface Checkout {
  readonly order: Order;
  readonly paymentSheet: PaymentSheet | null;
}

/**
 * Starts (or, with the same idempotency key, resumes) a checkout: the order priced from the
 * catalog, the vendor's customer for the user, one payment intent per order (the vendor's
 * idempotency key is the order id, so a retry after a lost answer finds the same intent),
 * and a fresh customer-scoped key for the app's sheet. Every step may be retried: each one
 * either finds what an earlier attempt made or makes it once.
 */
export async function startCheckout(deps: CheckoutDeps, userId: string, items: readonly CheckoutLine[], idempotencyKey: string): Promise<Checkout> {
  const { store, paylane, call } = deps;
  const key = checkIdempotencyKey(idempotencyKey);
  const { lines, fingerprint } = checkoutLines(items);

  let existing = await store.byIdempotencyKey(userId, key);
  if (existing === null) {
    const priced = await priceOrder(lines, deps.prices, call);
    existing = await store.createOrder({ userId, idempotencyKey: key, fingerprint, ...priced });
  }
  if (existing.fingerprint !== fingerprint) {
    throw new AppError('CONFLICT', 'This idempotencyKey was used for another cart; start a new checkout with a new key.');
  }
  let order = existing.order;
  if (!AWAITING_PAYMENT.includes(order.status)) return { order, paymentSheet: null };

  const customerId = await customerOf(deps, userId);
  let intent;
  if (order.intentId === null) {
    intent = await paylane.createIntent.call({ orderId: order.id, amount: order.amount, currency: order.currency, customerId }, call);
    await store.setIntent(order.id, intent.id);
  } else {
    intent = await paylane.getIntent.call(order.intentId, call);
    const fact = factOfIntent(intent);
    // Never hand out the secret of an intent that is not this order's (the vendor's data is not trusted either).
    if (fact === null || fact.orderId !== order.id) {
      deps.logger.error({ orderId: order.id, intentId: order.intentId }, "the order's payment intent names another order: no payment sheet");
      throw new AppError('INTERNAL_SERVER_ERROR');
    }
    // The app may have paid and never synced: then this read is the sync.
    if ((await store.applyFact(fact, 'sync')) === 'applied') order = (await store.order(userId, order.id)) ?? order;
    if (!AWAITING_PAYMENT.includes(order.status)) return { order, paymentSheet: null };
  }
  const ephemeral = await paylane.createEphemeralKey.call({ customerId, nonce: randomUUID() }, call);
  // A webhook may have moved the order meanwhile: a paid order gets no sheet.
  order = (await store.order(userId, order.id)) ?? order;
  if (!AWAITING_PAYMENT.includes(order.status)) return { order, paymentSheet: null };
  return {
    order,
    paymentSheet: {
      clientSecret: intent.client_secret,
      customerId,
      customerEphemeralKey: ephemeral.secret,
      customerEphemeralKeyExpiresAt: new Date(ephemeral.expires * 1000).toISOString(),
    },
  };
}

/** The user's customer at the vendor, made once (the vendor's idempotency key is the user id). */
async function customerOf(deps: CheckoutDeps, userId: string): Promise<string> {
  const known = await deps.store.customerOf(userId);
  if (known !== null) return known;
  // Two concurrent first checkouts get the same customer: the vendor's idempotency key is the user.
  const created = await deps.paylane.createCustomer.call({ userId }, deps.call);
  await deps.store.saveCustomer(userId, created);
  return created;
}
