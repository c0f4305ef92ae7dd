import { badUserInput } from '../../../platform/errors/AppError.js';
import { VendorItemError } from '../../kit/errors/VendorItemError.js';
import type { CallContext } from '../../kit/vendor/VendorClient.js';
import type { OrderItem } from '../model.js';
import type { PricesClient } from '../pricesClient.js';
import type { CheckoutLine } from './checkoutItems.js';

/** The vendor's limits on one payment (minor units). */
const MIN_AMOUNT = 50;
const MAX_AMOUNT = 99_999_999;

/** Prices the lines from the commerce platform: the app never says what anything costs. */
export async function priceOrder(
  lines: readonly CheckoutLine[],
  prices: PricesClient,
  call: CallContext,
): Promise<{ items: OrderItem[]; amount: number; currency: string }> {
  const found = await prices.prices.call(
    lines.map((l) => l.productId),
    call,
  );
  const byId = new Map<string, (typeof found)[number]>();
  for (const p of found) byId.set(p instanceof VendorItemError ? p.key : p.id, p);
  const items: OrderItem[] = [];
  const currencies = new Set<string>();
  for (const line of lines) {
    const price = byId.get(line.productId);
    if (price === undefined) throw badUserInput('items', `products that exist (${line.productId} does not)`);
    if (price instanceof VendorItemError) throw price;
    if (!price.inStock) throw badUserInput('items', `products in stock (${line.productId} is not)`);
    currencies.add(price.currency);
    items.push({ productId: line.productId, name: price.name, quantity: line.quantity, unitAmount: price.amount });
  }
  if (currencies.size !== 1) throw badUserInput('items', 'products priced in one currency (pay for the others in a second checkout)');
  const amount = items.reduce((sum, i) => sum + i.unitAmount * i.quantity, 0);
  if (amount < MIN_AMOUNT || amount > MAX_AMOUNT) throw badUserInput('items', 'a total from 0.50 to 999,999.99');
  return { items, amount, currency: [...currencies][0] as string };
}
