import type { ServiceEvent, ServiceEventData } from '../../../platform/events/ServiceEvent.js';
import type { OrderStatus } from '../model.js';

const TYPES: Partial<Record<OrderStatus, string>> = { PAID: 'order.paid', FAILED: 'order.payment_failed', REFUNDED: 'order.refunded' };

/**
 * The event an order reaching `status` tells other services about, or null for a status
 * nobody is told about (PENDING_PAYMENT). Its id names the order and the state, so however
 * many times the change is reported, the consumer keeps one event per order state. Ids and
 * the state only: the consumer reads anything else through the graph.
 */
export function orderEvent(order: { readonly id: string; readonly userId: string }, status: OrderStatus, at: Date): ServiceEvent | null {
  const type = TYPES[status];
  if (type === undefined) return null;
  const data: ServiceEventData['order'] = { orderId: order.id, userId: order.userId, status: status as ServiceEventData['order']['status'] };
  return { id: `order:${order.id}:${status}`, type, occurredAt: at.toISOString(), data: { ...data } };
}
