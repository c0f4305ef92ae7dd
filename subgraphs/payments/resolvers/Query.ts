import { AppError, badUserInput } from '../../../platform/errors/AppError.js';
import type { PaymentsContext } from '../context.js';
import { ORDER_ID, type Order } from '../model.js';
import { orderCursor } from '../store/OrderStore.js';

const MAX_PAGE = 50;

function viewerId(ctx: PaymentsContext): string {
  // The shield already refused anonymous callers; this keeps the resolver safe on its own.
  if (ctx.viewer === null) throw new AppError('UNAUTHENTICATED', 'Sign in to do this.');
  return ctx.viewer.userId;
}

export { viewerId };

export const Query = {
  async order(_: unknown, args: { id: string }, ctx: PaymentsContext): Promise<Order | null> {
    const userId = viewerId(ctx);
    if (!ORDER_ID.test(args.id)) throw badUserInput('id', 'an order id (ord_ and 20 letters or digits)');
    return ctx.checkout().store.order(userId, args.id);
  },

  async myOrders(_: unknown, args: { first: number; after?: string | null }, ctx: PaymentsContext) {
    const userId = viewerId(ctx);
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE) throw badUserInput('first', `an integer from 1 to ${MAX_PAGE}`);
    const page = await ctx.checkout().store.ordersOf(userId, args.first, args.after ?? null);
    if (page === null) throw badUserInput('after', 'an endCursor from a previous page');
    const edges = page.orders.map((order) => ({ cursor: orderCursor(order), node: order }));
    return { edges, pageInfo: { endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: page.hasNextPage } };
  },
};
