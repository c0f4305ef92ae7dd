import { describe, expect, it } from 'vitest';
import type { OrderStatus } from './model.js';
import { advance, AWAITING_PAYMENT, ORDER_STATUSES } from './orderStatus.js';

/** Every ordering of `items` (small inputs only). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('order status: a ranking that only moves forward', () => {
  it('ranks PENDING_PAYMENT < FAILED < PAID < REFUNDED', () => {
    expect(ORDER_STATUSES).toEqual(['PENDING_PAYMENT', 'FAILED', 'PAID', 'REFUNDED']);
  });

  it('moves to a higher status, never to the same or a lower one', () => {
    for (const [i, from] of ORDER_STATUSES.entries()) {
      for (const [j, to] of ORDER_STATUSES.entries()) expect(advance(from, to), `${from} → ${to}`).toBe(j > i ? to : null);
    }
  });

  it('a paid order is never marked failed; a refunded one never goes back to paid', () => {
    expect(advance('PAID', 'FAILED')).toBeNull();
    expect(advance('REFUNDED', 'PAID')).toBeNull();
    expect(advance('FAILED', 'PAID')).toBe('PAID');
  });

  it('applying facts in any order, any number of times, ends at the highest status any of them implied', () => {
    const facts: OrderStatus[] = ['FAILED', 'PAID', 'PENDING_PAYMENT', 'REFUNDED', 'PAID'];
    for (const n of [1, 2, 3, 4, 5]) {
      const subset = facts.slice(0, n);
      const highest = subset.reduce((a, b) => (ORDER_STATUSES.indexOf(b) > ORDER_STATUSES.indexOf(a) ? b : a), 'PENDING_PAYMENT' as OrderStatus);
      for (const order of permutations(subset)) {
        let status: OrderStatus = 'PENDING_PAYMENT';
        let changes = 0;
        for (const fact of [...order, ...order]) {
          const next = advance(status, fact);
          if (next !== null) {
            status = next;
            changes++;
          }
        }
        expect(status, order.join(',')).toBe(highest);
        expect(changes).toBeLessThanOrEqual(new Set(subset).size);
      }
    }
  });

  it('the app may still pay while PENDING_PAYMENT or FAILED, not once PAID or REFUNDED', () => {
    expect([...AWAITING_PAYMENT].sort()).toEqual(['FAILED', 'PENDING_PAYMENT']);
  });
});
