import { badUserInput } from '../../../platform/errors/AppError.js';
import { confirmCheckout } from '../checkout/confirmCheckout.js';
import type { CheckoutLine } from '../checkout/checkoutItems.js';
import { startCheckout, type Checkout } from '../checkout/startCheckout.js';
import type { PaymentsContext } from '../context.js';
import { ORDER_ID, type Order } from '../model.js';
import { viewerId } from './Query.js';


export const Mutation = {
  /** Guarded by the shield (signed in). See checkout/startCheckout.ts for why each step is safe to retry. */
  async startCheckout(_: unknown, args: { items: readonly CheckoutLine[]; idempotencyKey: string }, ctx: PaymentsContext): Promise<Checkout> {
    return startCheckout(ctx.checkout(), viewerId(ctx), args.items, args.idempotencyKey);
  },

  async confirmCheckout(_: unknown, args: { orderId: string }, ctx: PaymentsContext): Promise<Order> {
    const userId = viewerId(ctx);
    if (!ORDER_ID.test(args.orderId)) throw badUserInput('orderId', 'an order id (ord_ and 20 letters or digits)');
    return confirmCheckout(ctx.checkout(), userId, args.orderId);
  },
};
