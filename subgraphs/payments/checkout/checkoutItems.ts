import { badUserInput } from '../../../platform/errors/AppError.js';
import { ENTITY_ID_EXPECTED, isEntityId } from '../../kit/server/isEntityId.js';

export const MAX_LINES = 20;
export const MAX_QUANTITY = 10;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,64}$/;

export interface CheckoutLine {
  readonly productId: string;
  readonly quantity: number;
}

/**
 * The app's cart, checked and made canonical: lines of one product merged, sorted by
 * product. Its fingerprint is what a retry with the same idempotency key must match.
 */
export function checkoutLines(items: readonly CheckoutLine[]): { lines: CheckoutLine[]; fingerprint: string } {
  if (items.length < 1 || items.length > MAX_LINES) throw badUserInput('items', `1 to ${MAX_LINES} lines`);
  const merged = new Map<string, number>();
  for (const item of items) {
    if (!isEntityId(item.productId)) throw badUserInput('items', `productId to be ${ENTITY_ID_EXPECTED}`);
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_QUANTITY) {
      throw badUserInput('items', `quantity to be an integer from 1 to ${MAX_QUANTITY}`);
    }
    merged.set(item.productId, (merged.get(item.productId) ?? 0) + item.quantity);
  }
  const lines = [...merged].map(([productId, quantity]) => ({ productId, quantity })).sort((a, b) => (a.productId < b.productId ? -1 : 1));
  if (lines.some((l) => l.quantity > MAX_QUANTITY)) throw badUserInput('items', `at most ${MAX_QUANTITY} of one product`);
  return { lines, fingerprint: JSON.stringify(lines.map((l) => [l.productId, l.quantity])) };
}

export function checkIdempotencyKey(key: string): string {
  if (!IDEMPOTENCY_KEY.test(key)) throw badUserInput('idempotencyKey', '8 to 64 letters, digits, "-" or "_"');
  return key;
}
