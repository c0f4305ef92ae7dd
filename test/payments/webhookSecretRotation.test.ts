import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireWebhookSecrets, rollWebhookSecret, setWebhookEndpoint, waitForWebhooksIdle, webhookStatus } from '../../vendors/payments/paylaneClient.js';
import { startSandbox, type Sandbox } from '../../vendors/startSandbox.js';
import { CART, DEFAULT_SECRET, deliver, eventsOfIntent, inboxCount, inboxRows, intentIdOf, signed, startPaymentsStack, strayEvent, transitions, waitFor, type PaymentsStack } from './paymentsStack.js';

/**
 * A signing secret rotation as it happens in production: the vendor rolls (and signs with
 * both), we deploy with old and new, the vendor expires the old one. One vendor throughout;
 * the payments service is started twice, as a deploy would (first with the old secret only).
 */
describe('webhook signing secret rotation', () => {
  let sandbox: Sandbox;
  let oldOnly: PaymentsStack | undefined;
  let rotated: PaymentsStack | undefined;
  let newSecret: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ vendors: { payments: { webhookRetryBaseMs: 20 } } });
    oldOnly = await startPaymentsStack({ sandbox });
  });
  afterAll(async () => {
    await oldOnly?.close().catch(() => undefined);
    await rotated?.close().catch(() => undefined);
    await sandbox?.close();
  });

  const payWithoutSync = async (p: PaymentsStack, sub: string) => {
    const app = await p.phone(sub);
    const checkout = await app.startCheckout(CART);
    expect(await app.pay(checkout, 'pm_card_visa')).toBe('succeeded');
    return { app, checkout, intentId: intentIdOf(checkout.clientSecret) };
  };

  it('the vendor rolled its secret: a service that knows only the old one still accepts (every delivery carries both signatures)', async () => {
    const p = oldOnly as PaymentsStack;
    const rolled = await rollWebhookSecret(p.vendorUrl);
    expect(rolled.active).toBe(2);
    newSecret = rolled.secret;
    expect(newSecret).not.toBe(DEFAULT_SECRET);
    const { app, checkout } = await payWithoutSync(p, 'usr_0070');
    expect(await app.waitForStatus(checkout.orderId, (s) => s === 'PAID')).toBe('PAID');
    expect((await transitions(p.db(), checkout.orderId)).map((t) => t.source)).toEqual(['webhook']);
  });

  it('the vendor expired the old secret: the service that knows only the old one refuses every delivery and stores nothing', async () => {
    const p = oldOnly as PaymentsStack;
    expect(await expireWebhookSecrets(p.vendorUrl)).toEqual({ active: 1 });
    const before = await inboxCount(p.db());
    const { app, checkout, intentId } = await payWithoutSync(p, 'usr_0071');
    const eventIds = (await eventsOfIntent(p, intentId)).map((e) => e.id);
    expect(eventIds).toHaveLength(2);
    const refusals = await waitFor('the vendor to be refused', async () => {
      const attempts = (await webhookStatus(p.vendorUrl)).attempts.filter((a) => eventIds.includes(a.eventId));
      return attempts.length >= 4 ? attempts : undefined;
    });
    expect(new Set(refusals.map((a) => a.status))).toEqual(new Set([400]));
    // Signed correctly by the vendor's standard, just not with a secret this service knows.
    expect(refusals.every((a) => a.signature === 'valid' && !a.stale)).toBe(true);
    expect(await inboxCount(p.db())).toBe(before);
    expect(await inboxRows(p.db(), eventIds)).toEqual([]);
    // A hand-made delivery signed with the new secret alone: the same refusal.
    const stray = strayEvent();
    expect((await deliver(p.webhookUrl, signed(stray.body, { secrets: [newSecret] }))).status).toBe(400);
    expect(await inboxCount(p.db())).toBe(before);
    expect((await app.order(checkout.orderId))?.status).toBe('PENDING_PAYMENT');
    // This deployment is replaced: the vendor stops trying it.
    await setWebhookEndpoint(p.vendorUrl, null);
    await waitForWebhooksIdle(p.vendorUrl, { timeoutMs: 15_000 });
    await p.close();
    oldOnly = undefined;
  });

  it('the service deployed with old and new secrets accepts what the vendor signs with the new one only, and still the old one', async () => {
    rotated = await startPaymentsStack({ sandbox, env: { PAYMENTS_WEBHOOK_SECRETS: `${DEFAULT_SECRET}, ${newSecret}` } });
    const p = rotated;
    const { app, checkout, intentId } = await payWithoutSync(p, 'usr_0072');
    expect(await app.waitForStatus(checkout.orderId, (s) => s === 'PAID')).toBe('PAID');
    expect((await transitions(p.db(), checkout.orderId)).map((t) => t.source)).toEqual(['webhook']);
    const eventIds = (await eventsOfIntent(p, intentId)).map((e) => e.id);
    const status = await waitForWebhooksIdle(p.vendorUrl, { timeoutMs: 15_000 });
    expect(status.activeSecrets).toBe(1);
    // Accepted at the first attempt, each.
    expect(status.attempts.filter((a) => eventIds.includes(a.eventId)).map((a) => a.status)).toEqual([200, 200]);
    // A late delivery signed with the old secret (in flight during the switch) is still genuine.
    const stray = strayEvent();
    expect((await deliver(p.webhookUrl, signed(stray.body, { secrets: [DEFAULT_SECRET] }))).status).toBe(200);
  });
});
