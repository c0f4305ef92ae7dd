import { createHash } from 'node:crypto';
import { sameSecret } from '../sandbox/sameSecret.js';
import { VendorHttpError } from '../sandbox/VendorHttpError.js';
import type { EventLog } from './EventLog.js';
import { invalidParam, invalidRequest, resourceMissing } from './paylaneErrors.js';
import { ID_SHAPES, paylaneId } from './paylaneIds.js';
import type { CardPaymentMethod, Charge, Customer, EphemeralKey, PaymentIntent, PaymentIntentClientView, Refund } from './paylaneObjects.js';
import { clientView } from './paylaneObjects.js';
import { cardFromBody, DECLINE_MESSAGES, outcomeOf, TEST_PAYMENT_METHODS, type PresentedCard } from './testCards.js';

interface IntentRecord {
  intent: PaymentIntent;
  /** The card waiting for its 3-D Secure challenge, while `requires_action`. */
  pendingCard: PresentedCard | null;
}

interface SavedCard {
  method: CardPaymentMethod;
  number: string;
  customer: string;
}

export type EphemeralKeyCheck = { kind: 'ok'; customer: string } | { kind: 'unknown' } | { kind: 'expired' };

/** Compared against when the intent is unknown, so that an unknown id costs the same as a wrong secret. */
const NO_SECRET = paylaneId('pi_') + '_secret_' + paylaneId('');
const digest = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const copy = <T>(value: T): T => structuredClone(value);

/**
 * Paylane's state and the PaymentIntent life cycle. Every method answers copies, so an answer
 * remembered for idempotent replay can never change afterwards.
 */
export class PaylaneStore {
  private readonly customers = new Map<string, Customer>();
  private readonly intents = new Map<string, IntentRecord>();
  private readonly charges = new Map<string, Charge>();
  /** By a digest of the secret: looking a credential up must not be a string comparison. */
  private readonly ephemeralKeys = new Map<string, EphemeralKey>();
  private readonly savedCards = new Map<string, SavedCard>();

  constructor(
    private readonly now: () => number,
    private readonly events: EventLog,
    private readonly ephemeralKeyLifetimeS: number,
  ) {}

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  createCustomer(metadata: Record<string, string>): Customer {
    const customer: Customer = { id: paylaneId('cus_', 14), object: 'customer', created: this.seconds(), metadata };
    this.customers.set(customer.id, customer);
    return copy(customer);
  }

  hasCustomer(id: string): boolean {
    return this.customers.has(id);
  }

  createEphemeralKey(customer: string): EphemeralKey {
    const created = this.seconds();
    const key: EphemeralKey = {
      id: paylaneId('ephkey_'),
      object: 'ephemeral_key',
      secret: paylaneId('ek_test_', 32),
      customer,
      created,
      expires: created + this.ephemeralKeyLifetimeS,
    };
    this.ephemeralKeys.set(digest(key.secret), key);
    return copy(key);
  }

  checkEphemeralKey(secret: string): EphemeralKeyCheck {
    const key = this.ephemeralKeys.get(digest(secret));
    if (key === undefined || !sameSecret(secret, key.secret)) return { kind: 'unknown' };
    return this.now() >= key.expires * 1000 ? { kind: 'expired' } : { kind: 'ok', customer: key.customer };
  }

  createIntent(input: { amount: number; currency: string; customer: string | null; metadata: Record<string, string> }): PaymentIntent {
    const id = paylaneId('pi_');
    const intent: PaymentIntent = {
      id,
      object: 'payment_intent',
      amount: input.amount,
      amount_received: 0,
      amount_refunded: 0,
      currency: input.currency,
      customer: input.customer,
      metadata: input.metadata,
      status: 'requires_payment_method',
      client_secret: `${id}_secret_${paylaneId('', 24)}`,
      created: this.seconds(),
      latest_charge: null,
      last_payment_error: null,
      next_action: null,
      livemode: false,
    };
    this.intents.set(id, { intent, pendingCard: null });
    this.events.emit('payment_intent.created', intent);
    return copy(intent);
  }

  intent(id: string): PaymentIntent | undefined {
    const record = this.intents.get(id);
    return record === undefined ? undefined : copy(record.intent);
  }

  /** The intent's client view, for the holder of its client secret. */
  clientIntent(id: string, clientSecret: unknown): PaymentIntentClientView {
    return clientView(this.authorizeClient(id, clientSecret).intent);
  }

  /** The phone's confirmation with a payment method: succeeds, is declined (402) or needs 3-D Secure. */
  confirm(id: string, clientSecret: unknown, paymentMethod: unknown): PaymentIntentClientView {
    const record = this.authorizeClient(id, clientSecret);
    const { intent } = record;
    if (intent.status === 'succeeded' || intent.status === 'canceled') throw unexpectedState(intent, 'confirm');
    const card = this.presentedCard(paymentMethod, intent.customer);
    const outcome = outcomeOf(card);
    if (outcome.kind === 'succeed') this.succeed(record, card);
    else if (outcome.kind === 'authenticate') {
      Object.assign(intent, { status: 'requires_action', next_action: { type: 'authenticate' }, last_payment_error: null });
      record.pendingCard = card;
      this.events.emit('payment_intent.requires_action', intent);
    } else {
      this.fail(record, { type: 'card_error', code: 'card_declined', decline_code: outcome.declineCode, message: DECLINE_MESSAGES[outcome.declineCode] });
      throw new VendorHttpError(402, 'card_error', DECLINE_MESSAGES[outcome.declineCode], {
        code: 'card_declined',
        decline_code: outcome.declineCode,
        payment_intent: clientView(intent),
      });
    }
    return clientView(intent);
  }

  /** The answer to the 3-D Secure challenge. */
  authenticate(id: string, clientSecret: unknown, approve: boolean): PaymentIntentClientView {
    const record = this.authorizeClient(id, clientSecret);
    if (record.intent.status !== 'requires_action' || record.pendingCard === null) throw unexpectedState(record.intent, 'authenticate');
    if (approve) this.succeed(record, record.pendingCard);
    else {
      this.fail(record, {
        type: 'card_error',
        code: 'authentication_required',
        message: 'The cardholder did not complete 3-D Secure authentication; try another payment method.',
      });
    }
    return clientView(record.intent);
  }

  refund(intentId: string, requested: number | undefined): Refund {
    const record = this.intents.get(intentId);
    if (record === undefined) throw resourceMissing('payment_intent', 'payment_intent', intentId);
    const { intent } = record;
    const charge = intent.latest_charge === null ? undefined : this.charges.get(intent.latest_charge);
    if (intent.status !== 'succeeded' || charge === undefined) {
      throw invalidRequest(`This PaymentIntent has no successful charge to refund (status ${intent.status}).`, {
        code: 'charge_not_refundable',
        param: 'payment_intent',
      });
    }
    const remaining = intent.amount_received - intent.amount_refunded;
    if (remaining <= 0) throw invalidRequest('This PaymentIntent has already been fully refunded.', { code: 'charge_not_refundable', param: 'payment_intent' });
    const amount = requested ?? remaining;
    if (amount > remaining) {
      throw invalidRequest(`Refund amount (${amount}) is greater than the amount left to refund (${remaining}).`, { code: 'amount_too_large', param: 'amount' });
    }
    intent.amount_refunded += amount;
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded >= charge.amount;
    const refund: Refund = {
      id: paylaneId('re_'),
      object: 'refund',
      payment_intent: intent.id,
      charge: charge.id,
      amount,
      currency: intent.currency,
      status: 'succeeded',
      created: this.seconds(),
    };
    this.events.emit('charge.refunded', charge);
    return refund;
  }

  /** The cards this customer paid with successfully, oldest first, one per card. */
  paymentMethods(customer: string): CardPaymentMethod[] {
    return [...this.savedCards.values()].filter((c) => c.customer === customer).map((c) => copy(c.method));
  }

  private authorizeClient(id: string, clientSecret: unknown): IntentRecord {
    const record = this.intents.get(id);
    const presented = typeof clientSecret === 'string' ? clientSecret : '';
    // Compared even when the intent is unknown: the answer says nothing about whether it exists.
    const matches = sameSecret(presented, record?.intent.client_secret ?? NO_SECRET);
    if (record === undefined || !matches || presented.length === 0) {
      throw invalidRequest('The client_secret provided does not match any associated PaymentIntent on this account.', {
        code: 'client_secret_invalid',
        param: 'client_secret',
        status: 401,
      });
    }
    return record;
  }

  private presentedCard(paymentMethod: unknown, customer: string | null): PresentedCard {
    if (paymentMethod === undefined || paymentMethod === null) throw invalidParam('payment_method', 'Missing required param: payment_method.', 'parameter_missing');
    if (typeof paymentMethod !== 'string') return cardFromBody(paymentMethod);
    const testCard = TEST_PAYMENT_METHODS[paymentMethod];
    if (testCard !== undefined) return { number: testCard };
    // A card this intent's customer saved earlier (as listed by GET /v1/customers/:id/payment_methods).
    const saved = ID_SHAPES.payment_method.test(paymentMethod) ? this.savedCards.get(paymentMethod) : undefined;
    if (saved === undefined || saved.customer !== customer) throw resourceMissing('payment_method', 'PaymentMethod', paymentMethod);
    return { number: saved.number };
  }

  private succeed(record: IntentRecord, card: PresentedCard): void {
    const { intent } = record;
    const charge: Charge = {
      id: paylaneId('ch_'),
      object: 'charge',
      payment_intent: intent.id,
      amount: intent.amount,
      amount_refunded: 0,
      refunded: false,
      currency: intent.currency,
      customer: intent.customer,
      metadata: copy(intent.metadata),
      status: 'succeeded',
      created: this.seconds(),
    };
    this.charges.set(charge.id, charge);
    Object.assign(intent, {
      status: 'succeeded',
      amount_received: intent.amount,
      latest_charge: charge.id,
      last_payment_error: null,
      next_action: null,
    });
    record.pendingCard = null;
    if (intent.customer !== null) this.saveCard(intent.customer, card);
    this.events.emit('payment_intent.succeeded', intent);
  }

  private fail(record: IntentRecord, error: NonNullable<PaymentIntent['last_payment_error']>): void {
    Object.assign(record.intent, { status: 'requires_payment_method', last_payment_error: error, next_action: null });
    record.pendingCard = null;
    this.events.emit('payment_intent.payment_failed', record.intent);
  }

  private saveCard(customer: string, card: PresentedCard): void {
    for (const saved of this.savedCards.values()) if (saved.customer === customer && saved.number === card.number) return;
    const method: CardPaymentMethod = { id: paylaneId('pm_'), type: 'card', card: { brand: 'visa', last4: card.number.slice(-4) } };
    this.savedCards.set(method.id, { method, number: card.number, customer });
  }
}

function unexpectedState(intent: PaymentIntent, action: string): VendorHttpError {
  return invalidRequest(`You cannot ${action} this PaymentIntent because it has a status of ${intent.status}.`, {
    code: 'payment_intent_unexpected_state',
    payment_intent: clientView(intent),
  });
}
