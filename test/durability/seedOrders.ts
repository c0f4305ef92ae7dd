import type { OrderStore } from '../../subgraphs/payments/store/OrderStore.js';
import type { SeededOrder } from './paymentEventPlan.js';
import type { Random } from './seededRandom.js';

/**
 * `count` orders awaiting payment, each with its vendor intent recorded, written through
 * the store as checkout writes them (createOrder, then setIntent). `concurrency` writers at
 * once (PostgreSQL's pool takes several; the embedded database runs one query at a time anyway).
 */
export async function seedOrders(store: OrderStore, random: Random, count: number, concurrency = 8): Promise<SeededOrder[]> {
  const specs = Array.from({ length: count }, (_, i) => {
    const quantity = random.int(1, 3);
    const unitAmount = random.int(199, 19_999);
    const product = String(random.int(1, 200)).padStart(4, '0');
    return {
      userId: `usr_${String(random.int(1, 500)).padStart(4, '0')}`,
      idempotencyKey: `durability-${i}-${random.alnum(12)}`,
      items: [{ productId: `prod_${product}`, name: `Product ${product}`, quantity, unitAmount }],
      amount: quantity * unitAmount,
      intentId: `pi_${random.alnum(24)}`,
      customerId: `cus_${random.alnum(14)}`,
    };
  });
  const orders: SeededOrder[] = new Array<SeededOrder>(count);
  let next = 0;
  const writer = async () => {
    while (next < specs.length) {
      const i = next++;
      const spec = specs[i]!;
      const { order } = await store.createOrder({
        userId: spec.userId,
        idempotencyKey: spec.idempotencyKey,
        fingerprint: JSON.stringify(spec.items),
        items: spec.items,
        amount: spec.amount,
        currency: 'USD',
      });
      await store.setIntent(order.id, spec.intentId);
      orders[i] = { id: order.id, intentId: spec.intentId, customerId: spec.customerId, amount: spec.amount, currency: order.currency };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
  return orders;
}
