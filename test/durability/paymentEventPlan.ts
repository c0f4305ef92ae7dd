import type { OrderStatus } from '../../subgraphs/payments/model.js';
import type { Random } from './seededRandom.js';

/** An order as seeded in the store, with the payment intent the vendor made for it. */
export interface SeededOrder {
  readonly id: string;
  readonly intentId: string;
  readonly customerId: string;
  /** Minor units. */
  readonly amount: number;
  /** Upper case, as the order keeps it. */
  readonly currency: string;
}

/** One vendor event, ready to deliver: its id, type, the exact body and the status it implies for its order. */
export interface PlannedEvent {
  readonly id: string;
  readonly type: string;
  readonly body: string;
  readonly orderId: string;
  readonly implies: OrderStatus;
}

/** What happens to one order at the vendor, step by step (the events it emits, in the vendor's order). */
type Step = 'created' | 'requires_action' | 'declined' | 'auth_failed' | 'succeeded' | 'partial_refund' | 'full_refund';
export type Story = readonly Step[];

/**
 * The expected end of an order, computed here rather than with the code under test: the
 * highest status any of its events implies (the documented ranking, orderStatus.ts).
 */
const RANK: Readonly<Record<OrderStatus, number>> = { PENDING_PAYMENT: 0, FAILED: 1, PAID: 2, REFUNDED: 3 };
export function highest(statuses: readonly OrderStatus[]): OrderStatus {
  return statuses.reduce<OrderStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'PENDING_PAYMENT');
}

/**
 * Stories of checkouts as a payment vendor sees them, until they add up to at least
 * `distinctEvents` events: abandoned sheets, declined cards (some after 3-D Secure), paid
 * orders (some after a decline, some partly refunded) and fully refunded ones.
 */
export function planStories(random: Random, distinctEvents: number): Story[] {
  const stories: Story[] = [];
  let events = 0;
  const attempts = (max: number): Step[] =>
    Array.from({ length: random.int(0, max) }, (): Step[] => (random.chance(0.2) ? ['requires_action', 'auth_failed'] : ['declined'])).flat();
  while (events < distinctEvents) {
    const roll = random.next();
    let story: Step[];
    if (roll < 0.12) story = random.chance(0.3) ? ['created', 'requires_action'] : ['created'];
    else if (roll < 0.3) story = ['created', ...attempts(2), 'declined'];
    else if (roll < 0.75) story = ['created', ...attempts(2), 'succeeded', ...(random.chance(0.2) ? (['partial_refund'] as Step[]) : [])];
    else story = ['created', ...attempts(1), 'succeeded', ...(random.chance(0.3) ? (['partial_refund'] as Step[]) : []), 'full_refund'];
    stories.push(story);
    events += story.length;
  }
  return stories;
}

const IMPLIES: Readonly<Record<Step, OrderStatus>> = {
  created: 'PENDING_PAYMENT',
  requires_action: 'PENDING_PAYMENT',
  declined: 'FAILED',
  auth_failed: 'FAILED',
  succeeded: 'PAID',
  partial_refund: 'PAID',
  full_refund: 'REFUNDED',
};

/**
 * The events of one order's story, shaped as the vendor sends them (Stripe-like snapshots
 * of the intent or the charge at that moment, metadata naming our order).
 */
export function eventsOf(order: SeededOrder, story: Story, random: Random, createdAt: number): PlannedEvent[] {
  const currency = order.currency.toLowerCase();
  const chargeId = `ch_${random.alnum(24)}`;
  const metadata = { order_id: order.id };
  let refunded = 0;
  return story.map((step, i): PlannedEvent => {
    const created = createdAt + i;
    let type: string;
    let object: Record<string, unknown>;
    if (step === 'partial_refund' || step === 'full_refund') {
      refunded = step === 'full_refund' ? order.amount : Math.max(1, Math.floor(order.amount / 3));
      type = 'charge.refunded';
      object = {
        id: chargeId,
        object: 'charge',
        payment_intent: order.intentId,
        amount: order.amount,
        amount_refunded: refunded,
        refunded: refunded >= order.amount,
        currency,
        customer: order.customerId,
        metadata,
        status: 'succeeded',
        created,
      };
    } else {
      const failed = step === 'declined' || step === 'auth_failed';
      type = {
        created: 'payment_intent.created',
        requires_action: 'payment_intent.requires_action',
        declined: 'payment_intent.payment_failed',
        auth_failed: 'payment_intent.payment_failed',
        succeeded: 'payment_intent.succeeded',
      }[step];
      object = {
        id: order.intentId,
        object: 'payment_intent',
        amount: order.amount,
        amount_received: step === 'succeeded' ? order.amount : 0,
        amount_refunded: 0,
        currency,
        customer: order.customerId,
        metadata,
        status: step === 'succeeded' ? 'succeeded' : step === 'requires_action' ? 'requires_action' : 'requires_payment_method',
        created: createdAt,
        latest_charge: step === 'succeeded' ? chargeId : null,
        last_payment_error: !failed
          ? null
          : step === 'auth_failed'
            ? { type: 'card_error', code: 'authentication_required', message: 'The 3-D Secure challenge was not completed.' }
            : { type: 'card_error', code: 'card_declined', decline_code: random.chance(0.5) ? 'insufficient_funds' : 'generic_decline', message: 'Your card was declined.' },
        next_action: step === 'requires_action' ? { type: 'authenticate' } : null,
        livemode: false,
      };
    }
    const id = `evt_${random.alnum(24)}`;
    const body = JSON.stringify({ id, object: 'event', type, created, livemode: false, data: { object } });
    return { id, type, body, orderId: order.id, implies: IMPLIES[step] };
  });
}

/** Every event once plus duplicates (`duplicateShare` of all deliveries, each a copy of a random event), shuffled. */
export function planDeliveries(events: readonly PlannedEvent[], random: Random, duplicateShare: number): PlannedEvent[] {
  const duplicates = Math.round((events.length * duplicateShare) / (1 - duplicateShare));
  const deliveries = [...events];
  for (let i = 0; i < duplicates; i++) deliveries.push(events[random.int(0, events.length - 1)]!);
  return random.shuffle(deliveries);
}

/** Each order's expected final status: the highest its events imply. */
export function expectedStatuses(events: readonly PlannedEvent[]): Map<string, OrderStatus> {
  const implied = new Map<string, OrderStatus[]>();
  for (const event of events) implied.set(event.orderId, [...(implied.get(event.orderId) ?? []), event.implies]);
  return new Map([...implied].map(([orderId, statuses]) => [orderId, highest(statuses)]));
}
