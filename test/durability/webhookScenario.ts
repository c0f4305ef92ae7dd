import type { OrderStatus } from '../../subgraphs/payments/model.js';
import type { OrderStore } from '../../subgraphs/payments/store/OrderStore.js';
import { eventsOf, expectedStatuses, planDeliveries, planStories, type PlannedEvent, type SeededOrder } from './paymentEventPlan.js';
import { seededRandom } from './seededRandom.js';
import { seedOrders } from './seedOrders.js';

/** A run's orders (seeded in the store), their events, the deliveries to send, and what every order must end as. */
export interface WebhookScenario {
  readonly seed: number;
  readonly orders: readonly SeededOrder[];
  /** Each distinct event once. */
  readonly events: readonly PlannedEvent[];
  /** Shuffled, with duplicates. */
  readonly deliveries: readonly PlannedEvent[];
  readonly expected: ReadonlyMap<string, OrderStatus>;
}

/**
 * Seeds the orders in `store` and plans about `deliveries` deliveries, `duplicateShare` of
 * them repeats of an earlier event, in random order (so an order's events arrive in any order).
 */
export async function prepareWebhookScenario(store: OrderStore, options: { seed: number; deliveries: number; duplicateShare: number }): Promise<WebhookScenario> {
  const random = seededRandom(options.seed);
  const stories = planStories(random, Math.round(options.deliveries * (1 - options.duplicateShare)));
  const orders = await seedOrders(store, random, stories.length);
  const createdAt = Math.floor(Date.now() / 1000);
  const events = stories.flatMap((story, i) => eventsOf(orders[i]!, story, random, createdAt));
  return { seed: options.seed, orders, events, deliveries: planDeliveries(events, random, options.duplicateShare), expected: expectedStatuses(events) };
}

/** The part of a scenario that was sent, when a run stopped after its first `sent` deliveries: those, their events and what their orders must end as. */
export function sentPart(scenario: WebhookScenario, sent: number): WebhookScenario {
  const deliveries = scenario.deliveries.slice(0, sent);
  const delivered = new Set(deliveries.map((d) => d.id));
  const events = scenario.events.filter((e) => delivered.has(e.id));
  return { ...scenario, events, deliveries, expected: expectedStatuses(events) };
}
