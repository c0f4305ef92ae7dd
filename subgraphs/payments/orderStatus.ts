import type { OrderStatus } from './model.js';

/**
 * The order's state machine is a ranking: a status only moves to a higher rank. That makes
 * applying payment facts commutative and idempotent: whatever order webhooks and syncs
 * arrive in, twice or never, the order ends at the highest status any of them implied.
 * FAILED ranks below PAID because a declined card may be followed by a good one on the
 * same intent (the money was taken: the order is paid); a paid order never becomes FAILED
 * (a late `payment_failed` is an older attempt).
 */
const RANK: Readonly<Record<OrderStatus, number>> = { PENDING_PAYMENT: 0, FAILED: 1, PAID: 2, REFUNDED: 3 };

/** `to` when it is a move forward from `from`, else null (nothing to do). */
export function advance(from: OrderStatus, to: OrderStatus): OrderStatus | null {
  return RANK[to] > RANK[from] ? to : null;
}

/** Statuses in which the app may still pay (the sheet is offered). */
export const AWAITING_PAYMENT: readonly OrderStatus[] = ['PENDING_PAYMENT', 'FAILED'];

export const ORDER_STATUSES: readonly OrderStatus[] = Object.keys(RANK) as OrderStatus[];
