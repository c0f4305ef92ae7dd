import type { Order, OrderItem, OrderStatus, PaymentError } from '../model.js';

/** An `orders` row as both store kinds return it (jsonb parsed; timestamps as Date or string). */
export interface OrderRow {
  id: string;
  user_id: string;
  status: string;
  payment_error: string | null;
  items: unknown;
  amount: number | string;
  currency: string;
  intent_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export const ORDER_COLUMNS = 'id, user_id, status, payment_error, items, amount, currency, intent_id, created_at, updated_at';

const asDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

export function toOrder(row: OrderRow): Order {
  const items = (typeof row.items === 'string' ? JSON.parse(row.items) : row.items) as OrderItem[];
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status as OrderStatus,
    paymentError: row.payment_error as PaymentError | null,
    items,
    amount: Number(row.amount),
    currency: row.currency,
    intentId: row.intent_id,
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
  };
}
