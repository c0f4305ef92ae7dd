import { AppError } from '../../../platform/errors/AppError.js';
import type { Order } from '../model.js';
import { factOfIntent } from '../paymentIntent.js';
import type { CheckoutDeps } from './CheckoutDeps.js';

/**
 * The app's sync after its payment sheet closed. What the app believes is not trusted: the
 * intent is read from the vendor with our server key and the order moves only by what the
 * vendor says (and only forward). An intent that is not this order's, or is for another
 * amount, moves nothing.
 */
export async function confirmCheckout(deps: CheckoutDeps, userId: string, orderId: string): Promise<Order> {
  const order = await deps.store.order(userId, orderId);
  if (order === null) throw new AppError('NOT_FOUND', 'You have no order with this id.');
  if (order.intentId === null) return order; // never got as far as a payment: nothing to verify
  const fact = factOfIntent(await deps.paylane.getIntent.call(order.intentId, deps.call));
  if (fact === null || fact.orderId !== order.id) {
    deps.logger.error({ orderId, intentId: order.intentId }, 'the order\'s payment intent names another order: order left unchanged');
    return order;
  }
  const outcome = await deps.store.applyFact(fact, 'sync');
  if (outcome === 'mismatch') deps.logger.error({ orderId, intentId: order.intentId }, 'payment intent does not match its order: order left unchanged');
  return (await deps.store.order(userId, orderId)) ?? order;
}
