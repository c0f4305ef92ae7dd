import { invalidParam } from './paylaneErrors.js';

/** What happens when a card is charged, per Stripe's test cards. */
export type CardOutcome = { kind: 'succeed' } | { kind: 'decline'; declineCode: 'generic_decline' | 'insufficient_funds' } | { kind: 'authenticate' };

/** A card as presented at confirmation: its number decides the outcome, and is what a customer's saved card remembers. */
export interface PresentedCard {
  number: string;
}

/** Stripe's test payment method ids and the test card behind each. */
export const TEST_PAYMENT_METHODS: Readonly<Record<string, string>> = Object.freeze({
  pm_card_visa: '4242424242424242',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_threeDSecureRequired: '4000002500003155',
});

const OUTCOMES: Readonly<Record<string, CardOutcome>> = {
  '4242424242424242': { kind: 'succeed' },
  '4000000000000002': { kind: 'decline', declineCode: 'generic_decline' },
  '4000000000009995': { kind: 'decline', declineCode: 'insufficient_funds' },
  '4000002500003155': { kind: 'authenticate' },
};

/** Any other well-formed number is declined, as a real issuer would decline an unknown card. */
export function outcomeOf(card: PresentedCard): CardOutcome {
  return OUTCOMES[card.number] ?? { kind: 'decline', declineCode: 'generic_decline' };
}

/** `{ card: { number } }` from a confirmation body; spaces are allowed as typed, other characters are a 400. */
export function cardFromBody(value: unknown): PresentedCard {
  const param = 'payment_method[card][number]';
  const card = value !== null && typeof value === 'object' ? (value as { card?: unknown }).card : undefined;
  const number = card !== null && typeof card === 'object' ? (card as { number?: unknown }).number : undefined;
  if (typeof number !== 'string') throw invalidParam(param, 'payment_method must be a payment method id or { card: { number } }.', 'parameter_missing');
  const digits = number.replace(/ /g, '');
  if (!/^\d{12,19}$/.test(digits)) throw invalidParam(param, 'The card number is not a valid card number.', 'invalid_number');
  return { number: digits };
}

export const DECLINE_MESSAGES: Readonly<Record<'generic_decline' | 'insufficient_funds', string>> = {
  generic_decline: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
};
