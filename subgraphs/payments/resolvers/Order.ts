import type { Order as OrderModel, OrderItem } from '../model.js';
import { moneyFromMinorUnits } from '../../kit/vendor/moneyFromMinorUnits.js';

export const Order = {
  total: (order: OrderModel) => moneyFromMinorUnits(order.amount, order.currency),
  items: (order: OrderModel) =>
    order.items.map((item: OrderItem) => ({
      productId: item.productId,
      name: item.name,
      quantity: item.quantity,
      unitPrice: moneyFromMinorUnits(item.unitAmount, order.currency),
    })),
  createdAt: (order: OrderModel) => order.createdAt.toISOString(),
  updatedAt: (order: OrderModel) => order.updatedAt.toISOString(),
};
