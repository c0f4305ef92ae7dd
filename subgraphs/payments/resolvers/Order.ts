import type { Order as OrderModel, OrderItem } from '../model.js';
import { money } from '../money.js';

export const Order = {
  total: (order: OrderModel) => money(order.amount, order.currency),
  items: (order: OrderModel) =>
    order.items.map((item: OrderItem) => ({
      productId: item.productId,
      name: item.name,
      quantity: item.quantity,
      unitPrice: money(item.unitAmount, order.currency),
    })),
  createdAt: (order: OrderModel) => order.createdAt.toISOString(),
  updatedAt: (order: OrderModel) => order.updatedAt.toISOString(),
};
