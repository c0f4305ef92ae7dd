import { randomBytes } from 'node:crypto';
import type { ServiceEvent } from '../../platform/events/ServiceEvent.js';
import { planDeliveries, type PlannedEvent } from './paymentEventPlan.js';
import type { Random } from './seededRandom.js';

/** Order events as payments emits them, to deliver to the notifications service (with duplicates, shuffled). */
export interface PushEventPlan {
  /** Each distinct event once. */
  readonly events: readonly PlannedEvent[];
  /** The owner each event concerns, by event id. */
  readonly userOf: ReadonlyMap<string, string>;
  /** Shuffled, `duplicateShare` of them repeats of an event already in the plan. */
  readonly deliveries: readonly PlannedEvent[];
}

/**
 * `events` orders of random users among `userIds`, each with one event: `order.paid` mostly,
 * `order.payment_failed` for some. One event per order keeps one collapse id per event, so the
 * sandboxes' logs can be counted per (device, event). Ids are unique per run (a fresh suffix)
 * and shaped as payments makes them; the envelope is platform/events/ServiceEvent.ts.
 */
export function planPushEvents(random: Random, userIds: readonly string[], options: { events: number; duplicateShare: number }): PushEventPlan {
  const run = randomBytes(4).toString('hex');
  const userOf = new Map<string, string>();
  const events = Array.from({ length: options.events }, (_, i): PlannedEvent => {
    const orderId = `ord_${run}${String(i).padStart(5, '0')}${random.alnum(6)}`;
    const userId = userIds[random.int(0, userIds.length - 1)]!;
    const paid = random.chance(0.85);
    const status = paid ? 'PAID' : 'FAILED';
    const event: ServiceEvent = {
      id: `order:${orderId}:${status}`,
      type: paid ? 'order.paid' : 'order.payment_failed',
      occurredAt: new Date().toISOString(),
      data: { orderId, userId, status },
    };
    userOf.set(event.id, userId);
    return { id: event.id, type: event.type, body: JSON.stringify(event), orderId, implies: status };
  });
  return { events, userOf, deliveries: planDeliveries(events, random, options.duplicateShare) };
}
