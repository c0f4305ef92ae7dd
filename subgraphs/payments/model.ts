/** An order id (`ord_` + 20 of [a-z0-9], see OrderStore.newOrderId): all one from a client or a vendor may look like. */
export const ORDER_ID = /^ord_[a-z0-9]{20}$/;

/** An order's status. Ranked: a status only ever moves to a higher one (see orderStatus.ts). */
export type OrderStatus = 'PENDING_PAYMENT' | 'FAILED' | 'PAID' | 'REFUNDED';

export type PaymentError = 'CARD_DECLINED' | 'INSUFFICIENT_FUNDS' | 'AUTHENTICATION_FAILED' | 'CANCELED';

export interface OrderItem {
  readonly productId: string;
  /** The product's name at checkout. */
  readonly name: string;
  readonly quantity: number;
  /** Minor units (cents) of `Order.currency`, from the catalog at checkout. */
  readonly unitAmount: number;
}

/** An order as the store keeps it. Amounts are integer minor units; `currency` is ISO 4217 upper case. */
export interface Order {
  readonly id: string;
  readonly userId: string;
  readonly status: OrderStatus;
  readonly paymentError: PaymentError | null;
  readonly items: readonly OrderItem[];
  readonly amount: number;
  readonly currency: string;
  /** The vendor's payment intent, once created. */
  readonly intentId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * What the payment vendor says about an order's payment, from a webhook or from reading
 * the intent: the status it implies and the amount and currency it was for (checked
 * against the order before anything moves).
 */
export interface PaymentFact {
  readonly orderId: string;
  readonly intentId: string;
  readonly status: OrderStatus;
  readonly paymentError: PaymentError | null;
  readonly amount: number;
  readonly currency: string;
}
