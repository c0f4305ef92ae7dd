import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serviceEvent } from '../../platform/events/ServiceEvent.js';
import { startEventReceiver, type EventReceiver } from '../harness/startEventReceiver.js';
import { CART, deliver, eventOfType, eventsOfIntent, intentIdOf, settleWebhooks, signed, startPaymentsStack, waitFor, type PaymentsStack } from './paymentsStack.js';

/** The outbox's jobs for one event id, whatever their state (pending, retrying, completed, archived). */
async function outboxJobs(p: PaymentsStack, eventId: string): Promise<{ state: string }[]> {
  const db = p.db();
  const jobs = `"${db.schema}_jobs"`;
  const { rows } = await db.query<{ state: string }>(
    `SELECT state::text AS state FROM ${jobs}.job WHERE name = 'payments-events' AND data->'event'->>'id' = $1
     UNION ALL SELECT state::text FROM ${jobs}.archive WHERE name = 'payments-events' AND data->'event'->>'id' = $1`,
    [eventId],
  );
  return rows;
}

const arrivedWith = (receiver: EventReceiver, eventId: string) => receiver.deliveries.filter((d) => d.headers['webhook-id'] === eventId);

/**
 * Payments tells the notifications service about order outcomes through its outbox: the event
 * is enqueued in the transaction that changes the order, then relayed to the consumer's
 * endpoint (here a loopback receiver running the platform's real event route), so the payment
 * flow never waits for the consumer, and nothing is lost while the consumer is away.
 */
describe('payments emits order events through its outbox', () => {
  let receiver: EventReceiver;
  let p: PaymentsStack;
  beforeAll(async () => {
    receiver = await startEventReceiver();
    p = await startPaymentsStack({ env: { PAYMENTS_EVENTS_URL: receiver.url } });
  });
  afterAll(async () => {
    await p?.close();
    await receiver?.close();
  });
  afterEach(async () => {
    receiver.answerWith(null);
    await settleWebhooks(p);
  });

  it('an order paid by webhook alone → exactly one signed order.paid with ids and state only; the webhook again → still one', async () => {
    const app = await p.phone('usr_0051');
    const checkout = await app.startCheckout(CART);
    expect(await app.pay(checkout, 'pm_card_visa')).toBe('succeeded');
    expect(await app.waitForStatus(checkout.orderId, (s) => s === 'PAID')).toBe('PAID');
    const id = `order:${checkout.orderId}:PAID`;
    const event = await waitFor('order.paid at the receiver', async () => receiver.events.find((e) => e.id === id));
    // Accepted by the real route with the sandbox's events secret: the signature is right.
    expect(serviceEvent.parse(event)).toEqual({
      id,
      type: 'order.paid',
      occurredAt: expect.any(String),
      data: { orderId: checkout.orderId, userId: 'usr_0051', status: 'PAID' },
    });
    expect(arrivedWith(receiver, id).map((d) => d.status)).toEqual([200]);

    // The vendor delivers the same webhook again: the inbox knows it, the order does not change, no second event exists.
    const succeeded = eventOfType(await eventsOfIntent(p, intentIdOf(checkout.clientSecret)), 'payment_intent.succeeded');
    const again = await deliver(p.webhookUrl, signed(JSON.stringify(succeeded)));
    expect(again).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    // The app's sync reports PAID as well: still the one change, so still the one event.
    expect(await app.confirm(checkout.orderId)).toMatchObject({ status: 'PAID' });
    expect(await outboxJobs(p, id)).toHaveLength(1);
    expect(receiver.events.filter((e) => e.id === id)).toHaveLength(1);
    expect(arrivedWith(receiver, id)).toHaveLength(1);
  });

  it('a declined card → order.payment_failed', async () => {
    const app = await p.phone('usr_0052');
    const checkout = await app.startCheckout(CART);
    expect(await app.pay(checkout, 'pm_card_chargeDeclined')).toBe('requires_payment_method');
    expect(await app.waitForStatus(checkout.orderId, (s) => s === 'FAILED')).toBe('FAILED');
    const event = await waitFor('order.payment_failed', async () => receiver.events.find((e) => e.id === `order:${checkout.orderId}:FAILED`));
    expect(event).toMatchObject({ type: 'order.payment_failed', data: { orderId: checkout.orderId, userId: 'usr_0052', status: 'FAILED' } });
  });

  it('the consumer answering 503: the checkout still completes and the order is PAID; the event arrives once the consumer is back', async () => {
    receiver.answerWith(503);
    const app = await p.phone('usr_0053');
    const checkout = await app.startCheckout(CART);
    expect(await app.pay(checkout, 'pm_card_visa')).toBe('succeeded');
    expect(await app.confirm(checkout.orderId)).toEqual({ id: checkout.orderId, status: 'PAID', paymentError: null });
    const id = `order:${checkout.orderId}:PAID`;
    await waitFor('a refused attempt', async () => (arrivedWith(receiver, id).some((d) => d.status === 503) ? true : undefined));
    expect(receiver.events.some((e) => e.id === id)).toBe(false);
    receiver.answerWith(null);
    await waitFor('order.paid after the outage', async () => receiver.events.find((e) => e.id === id));
    expect(receiver.events.filter((e) => e.id === id)).toHaveLength(1);
    expect(arrivedWith(receiver, id).filter((d) => d.status === 200)).toHaveLength(1);
  });

  it('an event the consumer refuses (4xx) is dropped, not retried forever, and does not hold up the next one', async () => {
    receiver.answerWith(400);
    const app = await p.phone('usr_0054');
    const poisoned = await app.startCheckout(CART);
    expect(await app.pay(poisoned, 'pm_card_visa')).toBe('succeeded');
    expect(await app.confirm(poisoned.orderId)).toMatchObject({ status: 'PAID' });
    const poisonId = `order:${poisoned.orderId}:PAID`;
    await waitFor('the refused event completed', async () => ((await outboxJobs(p, poisonId)).some((j) => j.state === 'completed') ? true : undefined));
    receiver.answerWith(null);
    const next = await app.startCheckout(CART);
    expect(await app.pay(next, 'pm_card_visa')).toBe('succeeded');
    expect(await app.confirm(next.orderId)).toMatchObject({ status: 'PAID' });
    await waitFor('the next event', async () => receiver.events.find((e) => e.id === `order:${next.orderId}:PAID`));
    expect(arrivedWith(receiver, poisonId).map((d) => d.status)).toEqual([400]);
  });
});
