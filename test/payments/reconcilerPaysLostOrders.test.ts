import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setWebhookFaults, waitForWebhooksIdle } from '../../vendors/payments/paylaneClient.js';
import {
  CART,
  eventOfType,
  eventsOfIntent,
  inboxCount,
  intentIdOf,
  settleWebhooks,
  startPaymentsStack,
  transitions,
  waitFor,
  waitForProcessed,
  type PaymentsStack,
} from './paymentsStack.js';

/**
 * The third way an order learns its outcome: every webhook lost and the app killed before it
 * synced. The reconciler asks the vendor about orders that have waited too long.
 */
describe('the reconciler settles orders that nobody told us about', () => {
  let p: PaymentsStack;
  beforeAll(async () => {
    p = await startPaymentsStack({ env: { PAYMENTS_RECONCILE_AFTER_MS: '1000' } });
  });
  afterAll(async () => {
    await p?.close();
  });
  afterEach(async () => {
    await settleWebhooks(p);
  });

  it('with every webhook dropped and no sync, a paid order becomes PAID and a declined one FAILED on their own', async () => {
    await setWebhookFaults(p.vendorUrl, { dropRate: 1 });
    const inboxBefore = await inboxCount(p.db());
    const app = await p.phone('usr_0100');
    const paid = await app.startCheckout(CART);
    const declined = await app.startCheckout(CART);
    const untouched = await app.startCheckout(CART);
    expect(await app.pay(paid, 'pm_card_visa')).toBe('succeeded');
    expect(await app.pay(declined, 'pm_card_chargeDeclinedInsufficientFunds')).toBe('requires_payment_method');

    // The phone only reads from here on.
    expect(await app.waitForStatus(paid.orderId, (s) => s === 'PAID', 20_000)).toBe('PAID');
    expect(await app.waitForStatus(declined.orderId, (s) => s === 'FAILED', 20_000)).toBe('FAILED');
    expect((await app.order(declined.orderId))?.paymentError).toBe('INSUFFICIENT_FUNDS');
    const status = await waitForWebhooksIdle(p.vendorUrl);
    expect(status.delivered).toBe(0);
    expect(status.dropped).toBeGreaterThanOrEqual(5);
    expect(await inboxCount(p.db())).toBe(inboxBefore);
    expect(await transitions(p.db(), paid.orderId)).toEqual([{ from_status: 'PENDING_PAYMENT', to_status: 'PAID', source: 'reconcile', event_id: null }]);
    expect((await transitions(p.db(), declined.orderId)).map((t) => t.source)).toEqual(['reconcile']);

    // An order nobody paid is asked about (the vendor saw the reconciler's read of its intent) and left as it is.
    await waitFor('the reconciler to ask about the unpaid order', async () => {
      const calls = p.sandbox.vendor('payments').control.stats().calls;
      return calls.some((c) => c.requestId === `reconcile-${untouched.orderId}` && c.status === 200) ? true : undefined;
    }, 20_000);
    const { order } = (await app.graphql('query ($id: ID!) { order(id: $id) { status createdAt updatedAt } }', { id: untouched.orderId })) as {
      order: { status: string; createdAt: string; updatedAt: string };
    };
    // Asking is not a change: updatedAt is the last status change (schema.graphql), here none since it was created.
    expect(order).toEqual({ status: 'PENDING_PAYMENT', createdAt: order.createdAt, updatedAt: order.createdAt });
    expect(await transitions(p.db(), untouched.orderId)).toEqual([]);
  });

  it('gives a new job to an inbox event whose job is gone, so that a received event is applied in the end', async () => {
    const app = await p.phone('usr_0101');
    const checkout = await app.startCheckout(CART);
    expect(await app.pay(checkout, 'pm_card_visa')).toBe('succeeded');
    const succeeded = eventOfType(await eventsOfIntent(p, intentIdOf(checkout.clientSecret)), 'payment_intent.succeeded');
    // As if its job had been given up after every retry: the row is there, unprocessed, long received, with no job.
    const eventId = `evt_lostjob${Date.now()}`;
    await p.db().query(`INSERT INTO inbox (event_id, type, payload, received_at) VALUES ($1, $2, $3::jsonb, now() - interval '1 hour')`, [
      eventId,
      succeeded.type,
      JSON.stringify({ ...succeeded, id: eventId }),
    ]);
    const [row] = await waitForProcessed(p.db(), [eventId]);
    expect(row).toMatchObject({ outcome: expect.stringMatching(/^(applied|no_change)$/), applications: 1 });
    expect((await app.order(checkout.orderId))?.status).toBe('PAID');
  });
});

