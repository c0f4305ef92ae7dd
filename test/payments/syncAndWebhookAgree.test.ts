import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PaylaneEvent } from '../../vendors/payments/paylaneObjects.js';
import { refund, resendEvent, setWebhookFaults, waitForWebhooksIdle, webhookStatus } from '../../vendors/payments/paylaneClient.js';
import type { PhoneCheckout, SandboxPhone } from '../app/sandboxPhone.js';
import {
  CART,
  deliver,
  eventOfType,
  eventsOfIntent,
  inboxRows,
  intentIdOf,
  settleWebhooks,
  signed,
  startPaymentsStack,
  transitions,
  waitFor,
  waitForProcessed,
  type PaymentsStack,
} from './paymentsStack.js';

/** What happened at the vendor before anything reached us. */
type Facts = 'paid' | 'declinedThenPaid' | 'paidThenRefunded';
/** The app's sync, or the delivery of the vendor's event of that type (signed with the vendor's secret). */
type Step = 'sync' | 'payment_intent.succeeded' | 'payment_intent.payment_failed' | 'charge.refunded';

interface Scenario {
  readonly facts: Facts;
  /** In this order, each with the status the app reads right after it. */
  readonly steps: readonly (readonly [Step, string])[];
  readonly final: 'PAID' | 'REFUNDED';
  /** `from→to:cause`, where cause is `sync` or the type of the event that caused it. */
  readonly changes: readonly string[];
}

const P = 'PENDING_PAYMENT';
const SCENARIOS: readonly Scenario[] = [
  { facts: 'paid', steps: [['sync', 'PAID'], ['payment_intent.succeeded', 'PAID']], final: 'PAID', changes: [`${P}→PAID:sync`] },
  { facts: 'paid', steps: [['payment_intent.succeeded', 'PAID'], ['sync', 'PAID']], final: 'PAID', changes: [`${P}→PAID:payment_intent.succeeded`] },
  { facts: 'paid', steps: [['payment_intent.succeeded', 'PAID'], ['payment_intent.succeeded', 'PAID']], final: 'PAID', changes: [`${P}→PAID:payment_intent.succeeded`] },
  {
    facts: 'declinedThenPaid',
    steps: [['payment_intent.payment_failed', 'FAILED'], ['payment_intent.succeeded', 'PAID'], ['sync', 'PAID']],
    final: 'PAID',
    changes: [`${P}→FAILED:payment_intent.payment_failed`, 'FAILED→PAID:payment_intent.succeeded'],
  },
  // `payment_failed` after `succeeded`: an older attempt, never un-pays the order.
  {
    facts: 'declinedThenPaid',
    steps: [['payment_intent.succeeded', 'PAID'], ['payment_intent.payment_failed', 'PAID']],
    final: 'PAID',
    changes: [`${P}→PAID:payment_intent.succeeded`],
  },
  { facts: 'declinedThenPaid', steps: [['sync', 'PAID'], ['payment_intent.payment_failed', 'PAID']], final: 'PAID', changes: [`${P}→PAID:sync`] },
  // The refund's event overtakes the success's.
  {
    facts: 'paidThenRefunded',
    steps: [['charge.refunded', 'REFUNDED'], ['payment_intent.succeeded', 'REFUNDED'], ['sync', 'REFUNDED']],
    final: 'REFUNDED',
    changes: [`${P}→REFUNDED:charge.refunded`],
  },
  {
    facts: 'paidThenRefunded',
    steps: [['payment_intent.succeeded', 'PAID'], ['charge.refunded', 'REFUNDED']],
    final: 'REFUNDED',
    changes: [`${P}→PAID:payment_intent.succeeded`, 'PAID→REFUNDED:charge.refunded'],
  },
  { facts: 'paidThenRefunded', steps: [['sync', 'REFUNDED'], ['payment_intent.succeeded', 'REFUNDED']], final: 'REFUNDED', changes: [`${P}→REFUNDED:sync`] },
];

describe('sync and webhook, in any order, any number of times, end in the same state (both at once)', () => {
  let p: PaymentsStack;
  let app: SandboxPhone;
  beforeAll(async () => {
    p = await startPaymentsStack();
    app = await p.phone('usr_0050');
  });
  afterAll(async () => {
    await p?.close();
  });
  afterEach(async () => {
    await settleWebhooks(p);
  });

  const makeFacts = async (checkout: PhoneCheckout, facts: Facts): Promise<void> => {
    if (facts === 'declinedThenPaid') expect(await app.pay(checkout, 'pm_card_chargeDeclined')).toBe('requires_payment_method');
    expect(await app.pay(checkout, 'pm_card_visa')).toBe('succeeded');
    if (facts === 'paidThenRefunded') await refund(p.vendorUrl, p.serverKey, intentIdOf(checkout.clientSecret));
  };

  /** The order's status changes as `from→to:cause`. */
  const changesOf = async (orderId: string, events: readonly PaylaneEvent[]): Promise<string[]> =>
    (await transitions(p.db(), orderId)).map((t) => {
      const cause = t.source === 'webhook' ? (events.find((e) => e.id === t.event_id)?.type ?? `unknown ${t.event_id}`) : t.source;
      return `${t.from_status}→${t.to_status}:${cause}`;
    });

  it('every order of sync and events, duplicates and out-of-order ones included, ends as the facts say, each change recorded once', async () => {
    // The vendor's own deliveries wait; the events are delivered by hand, correctly signed, in each scenario's order.
    await setWebhookFaults(p.vendorUrl, { paused: true });
    const played = await Promise.all(
      SCENARIOS.map(async (scenario) => {
        const checkout = await app.startCheckout(CART);
        await makeFacts(checkout, scenario.facts);
        const events = await eventsOfIntent(p, intentIdOf(checkout.clientSecret));
        const seen: string[] = [];
        for (const [step] of scenario.steps) {
          if (step === 'sync') seen.push((await app.confirm(checkout.orderId)).status);
          else {
            const event = eventOfType(events, step);
            const answer = await deliver(p.webhookUrl, signed(JSON.stringify(event)));
            expect(answer.status).toBe(200);
            await waitForProcessed(p.db(), [event.id]);
            seen.push((await app.order(checkout.orderId))?.status ?? 'MISSING');
          }
        }
        return { scenario, checkout, events, seen };
      }),
    );
    // Now the vendor delivers everything it held (the events delivered by hand a second time).
    await setWebhookFaults(p.vendorUrl, { paused: false });
    await waitForWebhooksIdle(p.vendorUrl, { timeoutMs: 15_000 });

    for (const { scenario, checkout, events, seen } of played) {
      const label = `${scenario.facts}: ${scenario.steps.map(([s]) => s).join(' → ')}`;
      expect(seen, label).toEqual(scenario.steps.map(([, status]) => status));
      const rows = await waitForProcessed(
        p.db(),
        events.map((e) => e.id),
      );
      // One inbox row per event, applied once, however many times it was delivered.
      expect(rows.map((r) => r.applications), label).toEqual(rows.map(() => 1));
      const order = await app.order(checkout.orderId);
      expect({ status: order?.status, paymentError: order?.paymentError }, label).toEqual({ status: scenario.final, paymentError: null });
      expect(await changesOf(checkout.orderId, events), label).toEqual(scenario.changes);
    }
  });

  it('sync first, then the held webhook: PAID once, by the sync; the webhook changes nothing', async () => {
    await setWebhookFaults(p.vendorUrl, { paused: true });
    const checkout = await app.startCheckout(CART);
    await makeFacts(checkout, 'paid');
    expect((await app.confirm(checkout.orderId)).status).toBe('PAID');
    await setWebhookFaults(p.vendorUrl, { paused: false });
    const events = await eventsOfIntent(p, intentIdOf(checkout.clientSecret));
    const rows = await waitForProcessed(
      p.db(),
      events.map((e) => e.id),
    );
    expect(rows.find((r) => r.type === 'payment_intent.succeeded')).toMatchObject({ outcome: 'no_change', applications: 1 });
    expect((await app.order(checkout.orderId))?.status).toBe('PAID');
    expect(await changesOf(checkout.orderId, events)).toEqual([`${P}→PAID:sync`]);
  });

  it('webhook first, then the sync: PAID once, by the webhook; the sync changes nothing', async () => {
    const checkout = await app.startCheckout(CART);
    await makeFacts(checkout, 'paid');
    expect(await app.waitForStatus(checkout.orderId, (s) => s === 'PAID')).toBe('PAID');
    expect((await app.confirm(checkout.orderId)).status).toBe('PAID');
    const events = await eventsOfIntent(p, intentIdOf(checkout.clientSecret));
    expect(await changesOf(checkout.orderId, events)).toEqual([`${P}→PAID:payment_intent.succeeded`]);
  });

  it('every webhook delivered twice (duplicateRate 1), then resent: one inbox row each, applied once, one change', async () => {
    await setWebhookFaults(p.vendorUrl, { duplicateRate: 1 });
    const before = await webhookStatus(p.vendorUrl);
    const checkout = await app.startCheckout(CART);
    await makeFacts(checkout, 'paid');
    const status = await waitForWebhooksIdle(p.vendorUrl, { timeoutMs: 15_000 });
    const events = await eventsOfIntent(p, intentIdOf(checkout.clientSecret));
    const succeeded = eventOfType(events, 'payment_intent.succeeded');
    expect(status.duplicated - before.duplicated).toBeGreaterThanOrEqual(2);
    const sends = status.attempts.filter((a) => a.eventId === succeeded.id);
    expect(sends.map((a) => a.status)).toEqual([200, 200]);

    await resendEvent(p.vendorUrl, succeeded.id);
    const resent = await waitFor('the resent delivery', async () => {
      const s = await webhookStatus(p.vendorUrl);
      const n = s.attempts.filter((a) => a.eventId === succeeded.id && a.status === 200).length;
      return n >= 3 ? n : undefined;
    });
    expect(resent).toBeGreaterThanOrEqual(3);

    const rows = await waitForProcessed(
      p.db(),
      events.map((e) => e.id),
    );
    expect(rows.map((r) => r.applications)).toEqual(rows.map(() => 1));
    expect(await inboxRows(p.db(), [succeeded.id])).toEqual([expect.objectContaining({ outcome: 'applied', applications: 1 })]);
    expect((await app.order(checkout.orderId))?.status).toBe('PAID');
    expect(await changesOf(checkout.orderId, events)).toEqual([`${P}→PAID:payment_intent.succeeded`]);
  });

  it('a duplicate delivery is acknowledged as such, without a second write', async () => {
    await setWebhookFaults(p.vendorUrl, { paused: true });
    const checkout = await app.startCheckout(CART);
    await makeFacts(checkout, 'paid');
    const succeeded = eventOfType(await eventsOfIntent(p, intentIdOf(checkout.clientSecret)), 'payment_intent.succeeded');
    const first = await deliver(p.webhookUrl, signed(JSON.stringify(succeeded)));
    const second = await deliver(p.webhookUrl, signed(JSON.stringify(succeeded)));
    expect([first.status, first.body]).toEqual([200, { received: true, duplicate: false }]);
    expect([second.status, second.body]).toEqual([200, { received: true, duplicate: true }]);
    expect(await waitForProcessed(p.db(), [succeeded.id])).toEqual([expect.objectContaining({ applications: 1, outcome: 'applied' })]);
  });
});
