import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { createPaymentsVendor, DEFAULT_WEBHOOK_SECRET, type PaymentsVendorOptions, type RunningPaymentsVendor } from './createPaymentsVendor.js';
import {
  confirmPayment,
  createPaymentIntent,
  expireWebhookSecrets,
  listEvents,
  resendEvent,
  resetWebhookFaults,
  rollWebhookSecret,
  setWebhookEndpoint,
  setWebhookFaults,
  waitForWebhooksIdle,
  webhookStatus,
} from './paylaneClient.js';
import { startWebhookReceiver, type WebhookReceiver } from './startWebhookReceiver.js';

const KEY = sandboxVendorEntry('payments').defaultKey;
let vendor: RunningPaymentsVendor | undefined;
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await vendor?.close();
  await receiver?.close();
  vendor = undefined;
  receiver = undefined;
});

/** A vendor delivering to a fresh receiver, with retries fast enough for tests. */
async function start(options: Partial<PaymentsVendorOptions> = {}): Promise<{ v: RunningPaymentsVendor; r: WebhookReceiver }> {
  receiver = await startWebhookReceiver();
  vendor = await createPaymentsVendor({ apiKey: KEY, webhookUrl: receiver.url, webhookRetryBaseMs: 20, ...options });
  return { v: vendor, r: receiver };
}
const newIntent = (v: RunningPaymentsVendor, amount = 1000) => createPaymentIntent(v.url, KEY, { amount, currency: 'eur' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const control = (v: RunningPaymentsVendor, path: string, method: string, body?: string) =>
  fetch(`${v.url}/__sandbox/webhooks${path}`, { method, ...(body === undefined ? {} : { body }) });

describe('Paylane webhooks: delivery', () => {
  it('delivers each event as JSON with Standard Webhooks headers that verify with the secret', async () => {
    const { v, r } = await start();
    const intent = await newIntent(v);
    await confirmPayment(v.url, intent.id, intent.client_secret, 'pm_card_visa');
    const status = await waitForWebhooksIdle(v.url);
    expect(status).toMatchObject({ url: r.url, pending: 0, delivered: 2, failed: 0, dropped: 0, activeSecrets: 1 });
    expect(r.received.map((h) => h.event.type).sort()).toEqual(['payment_intent.created', 'payment_intent.succeeded']);
    const listed = (await listEvents(v.url, KEY)).data;
    for (const hook of r.received) {
      expect(hook.headers['content-type']).toBe('application/json');
      expect(hook.headers['webhook-id']).toBe(hook.event.id);
      expect(hook.headers['webhook-timestamp']).toMatch(/^\d+$/);
      expect(hook.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(r.verifies(hook, DEFAULT_WEBHOOK_SECRET)).toBe(true);
      expect(r.verifies(hook, 'whsec_' + Buffer.from('another secret entirely').toString('base64'))).toBe(false);
      expect(hook.event).toEqual(listed.find((e) => e.id === hook.event.id));
    }
    const succeeded = r.received.find((h) => h.event.type === 'payment_intent.succeeded');
    expect(succeeded?.event.data.object).toMatchObject({ id: intent.id, status: 'succeeded', amount_received: 1000 });
    expect(status.attempts.map((a) => ({ attempt: a.attempt, status: a.status, signature: a.signature, stale: a.stale }))).toEqual([
      { attempt: 1, status: 200, signature: 'valid', stale: false },
      { attempt: 1, status: 200, signature: 'valid', stale: false },
    ]);
  });

  it('snapshots the object when the event happens', async () => {
    const { v, r } = await start();
    const intent = await newIntent(v);
    await confirmPayment(v.url, intent.id, intent.client_secret, 'pm_card_visa');
    await waitForWebhooksIdle(v.url);
    const created = r.received.find((h) => h.event.type === 'payment_intent.created');
    expect(created?.event.data.object).toMatchObject({ status: 'requires_payment_method', latest_charge: null });
  });

  it('retries a 500 with the same webhook-id until the receiver answers 2xx', async () => {
    const { v, r } = await start();
    r.answerNext(500, 503);
    const intent = await newIntent(v);
    const status = await waitForWebhooksIdle(v.url);
    expect(r.received.map((h) => h.status)).toEqual([500, 503, 200]);
    expect(new Set(r.received.map((h) => h.headers['webhook-id']))).toEqual(new Set([r.received[0]?.event.id]));
    expect(r.received[0]?.event.data.object).toMatchObject({ id: intent.id });
    expect(status.attempts.map((a) => [a.attempt, a.status])).toEqual([[1, 500], [2, 503], [3, 200]]);
    expect(status).toMatchObject({ delivered: 1, failed: 0, pending: 0 });
  });

  it('marks a delivery failed after the last attempt; network errors and timeouts count as failed attempts', async () => {
    const { v, r } = await start({ webhookMaxAttempts: 3, webhookTimeoutMs: 1000 });
    r.answerNext(500, 500, 500);
    await newIntent(v);
    expect(await waitForWebhooksIdle(v.url)).toMatchObject({ delivered: 0, failed: 1, pending: 0 });
    expect(r.received).toHaveLength(3);

    r.answerNext('hang');
    await newIntent(v);
    const afterHang = await waitForWebhooksIdle(v.url);
    expect(afterHang.attempts.slice(-2).map((a) => a.status)).toEqual(['timeout', 200]);

    const gone = await startWebhookReceiver();
    const deadUrl = gone.url;
    await gone.close();
    await setWebhookEndpoint(v.url, deadUrl);
    await newIntent(v);
    const dead = await waitForWebhooksIdle(v.url);
    expect(dead.failed).toBe(2);
    expect(dead.attempts.slice(-3).map((a) => a.status)).toEqual(['network_error', 'network_error', 'network_error']);
  });

  it('delivers nothing while no endpoint is set, yet lists the events', async () => {
    receiver = await startWebhookReceiver();
    vendor = await createPaymentsVendor({ apiKey: KEY });
    const quiet = await newIntent(vendor);
    expect(await webhookStatus(vendor.url)).toMatchObject({ url: null, pending: 0, delivered: 0, attempts: [] });
    expect((await listEvents(vendor.url, KEY)).data[0]?.data.object).toMatchObject({ id: quiet.id });
    expect(await setWebhookEndpoint(vendor.url, receiver.url)).toEqual({ url: receiver.url });
    const heard = await newIntent(vendor);
    await waitForWebhooksIdle(vendor.url);
    expect(receiver.received.map((h) => (h.event.data.object as { id: string }).id)).toEqual([heard.id]);
    expect(await setWebhookEndpoint(vendor.url, null)).toEqual({ url: null });
  });

  it('redelivers an event on request, with the same webhook-id; 404 for an unknown event', async () => {
    const { v, r } = await start();
    await newIntent(v);
    await waitForWebhooksIdle(v.url);
    const id = r.received[0]?.event.id as string;
    await resendEvent(v.url, id);
    await r.waitFor((hooks) => hooks.length === 2);
    expect(r.received[1]?.headers['webhook-id']).toBe(id);
    expect(r.received[1]?.body).toBe(r.received[0]?.body);
    expect(r.verifies(r.received[1]!, DEFAULT_WEBHOOK_SECRET)).toBe(true);
    expect((await control(v, '/resend', 'POST', JSON.stringify({ eventId: `evt_${'x'.repeat(24)}` }))).status).toBe(404);
    expect((await control(v, '/resend', 'POST', JSON.stringify({}))).status).toBe(400);
  });
});

describe('Paylane webhooks: fault controls', () => {
  it('duplicates successful deliveries (same webhook-id) and counts them', async () => {
    const { v, r } = await start();
    await setWebhookFaults(v.url, { duplicateRate: 1 });
    await newIntent(v);
    await newIntent(v);
    await r.waitFor((hooks) => hooks.length === 4);
    const status = await waitForWebhooksIdle(v.url);
    expect(status).toMatchObject({ delivered: 2, duplicated: 2 });
    const ids = r.received.map((h) => h.headers['webhook-id']);
    expect(new Set(ids).size).toBe(2);
    for (const id of new Set(ids)) expect(ids.filter((x) => x === id)).toHaveLength(2);
  });

  it('is idle only once the duplicate is sent too (nothing in flight)', async () => {
    const { v, r } = await start();
    await setWebhookFaults(v.url, { duplicateRate: 1 });
    await newIntent(v);
    const status = await waitForWebhooksIdle(v.url, { intervalMs: 1 });
    expect(status.attempts.map((a) => a.status)).toEqual([200, 200]);
    expect(r.received).toHaveLength(2);
  });

  it('drops events: never delivered, never retried, counted as dropped', async () => {
    const { v, r } = await start();
    await setWebhookFaults(v.url, { dropRate: 1 });
    await newIntent(v);
    await newIntent(v);
    const status = await waitForWebhooksIdle(v.url);
    expect(status).toMatchObject({ dropped: 2, delivered: 0, pending: 0, attempts: [] });
    await sleep(100);
    expect(r.received).toHaveLength(0);
    expect((await listEvents(v.url, KEY)).data).toHaveLength(2);
  });

  it('signs the next n attempts with a wrong secret, which fails verification', async () => {
    const { v, r } = await start();
    await setWebhookFaults(v.url, { badSignatureNext: 1 });
    await newIntent(v);
    await waitForWebhooksIdle(v.url);
    await newIntent(v);
    const status = await waitForWebhooksIdle(v.url);
    expect(r.received.map((h) => r.verifies(h, DEFAULT_WEBHOOK_SECRET))).toEqual([false, true]);
    expect(status.attempts.map((a) => a.signature)).toEqual(['bad', 'valid']);
    expect(status.faults.badSignatureNext).toBe(0);
  });

  it('sends the next n attempts with a timestamp 10 minutes old, correctly signed for it, which fails the 5-minute check', async () => {
    const { v, r } = await start();
    await setWebhookFaults(v.url, { staleTimestampNext: 1 });
    await newIntent(v);
    await waitForWebhooksIdle(v.url);
    const stale = r.received[0]!;
    const timestamp = Number(stale.headers['webhook-timestamp']);
    expect(Date.now() / 1000 - timestamp).toBeGreaterThan(540);
    expect(() => new Webhook(DEFAULT_WEBHOOK_SECRET).verify(stale.body, stale.headers as Record<string, string>)).toThrow(/timestamp/i);
    const expected = new Webhook(DEFAULT_WEBHOOK_SECRET).sign(stale.event.id, new Date(timestamp * 1000), stale.body);
    expect(stale.headers['webhook-signature']).toBe(expected);
    await newIntent(v);
    const status = await waitForWebhooksIdle(v.url);
    expect(r.verifies(r.received[1]!, DEFAULT_WEBHOOK_SECRET)).toBe(true);
    expect(status.attempts.map((a) => a.stale)).toEqual([true, false]);
  });

  it('holds deliveries while paused and sends them once resumed', async () => {
    const { v, r } = await start();
    await setWebhookFaults(v.url, { paused: true });
    await newIntent(v);
    await sleep(100);
    expect(r.received).toHaveLength(0);
    expect(await webhookStatus(v.url)).toMatchObject({ pending: 1, attempts: [] });
    expect((await setWebhookFaults(v.url, { paused: false })).paused).toBe(false);
    expect(await waitForWebhooksIdle(v.url)).toMatchObject({ delivered: 1, pending: 0 });
    expect(r.received).toHaveLength(1);
  });

  it('delivers out of order within the reorder window (seeded)', async () => {
    const { v, r } = await start({ webhookSeed: 42 });
    await setWebhookFaults(v.url, { paused: true });
    const created: string[] = [];
    for (let i = 0; i < 8; i++) created.push((await newIntent(v, 100 + i)).id);
    await setWebhookFaults(v.url, { reorderWindowMs: 400, paused: false });
    await waitForWebhooksIdle(v.url);
    const arrived = r.received.map((h) => (h.event.data.object as { id: string }).id);
    expect([...arrived].sort()).toEqual([...created].sort());
    expect(arrived).not.toEqual(created);
  });

  it('adds delayMs before each delivery; close() then cancels what is pending and leaves no timer or socket', async () => {
    const { v, r } = await start();
    await setWebhookFaults(v.url, { delayMs: 60_000 });
    await newIntent(v);
    expect(await webhookStatus(v.url)).toMatchObject({ pending: 1, attempts: [] });
    expect(v.webhooks.openHandles().timers).toBe(1);
    await resetWebhookFaults(v.url);
    r.answerNext('hang');
    await newIntent(v);
    await r.waitFor((hooks) => hooks.length === 1);
    expect(v.webhooks.openHandles()).toEqual({ timers: 1, inFlight: 1 });
    await v.close();
    expect(v.webhooks.openHandles()).toEqual({ timers: 0, inFlight: 0 });
    await sleep(100);
    expect(r.received).toHaveLength(1);
  });

  it('validates faults (every problem at once), merges partials and resets', async () => {
    const { v } = await start();
    const bad = await control(v, '/faults', 'PUT', JSON.stringify({ dropRate: 2, paused: 'yes', reorderWindowMs: -1, nonsense: 1 }));
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { type: string; problems: string[] } };
    expect(error.type).toBe('invalid_faults');
    expect(error.problems).toHaveLength(4);
    expect((await control(v, '/faults', 'PUT', '{oops')).status).toBe(400);
    expect((await control(v, '/faults', 'PUT', '[1]')).status).toBe(400);
    await setWebhookFaults(v.url, { delayMs: 5 });
    expect(await setWebhookFaults(v.url, { duplicateRate: 0.5 })).toMatchObject({ delayMs: 5, duplicateRate: 0.5 });
    expect(await resetWebhookFaults(v.url)).toEqual({
      duplicateRate: 0,
      reorderWindowMs: 0,
      delayMs: 0,
      dropRate: 0,
      badSignatureNext: 0,
      staleTimestampNext: 0,
      paused: false,
    });
    for (const url of ['not a url', 'ftp://x.example/', 42]) {
      expect((await control(v, '/endpoint', 'PUT', JSON.stringify({ url }))).status).toBe(400);
    }
    expect((await control(v, '/endpoint', 'PUT', '')).status).toBe(400);
  });

  it('keeps webhooks across DELETE /__sandbox/stats; DELETE /__sandbox/webhooks clears the log and counters', async () => {
    const { v } = await start();
    await newIntent(v);
    await waitForWebhooksIdle(v.url);
    expect((await fetch(`${v.url}/__sandbox/stats`, { method: 'DELETE' })).status).toBe(200);
    expect(await webhookStatus(v.url)).toMatchObject({ delivered: 1 });
    expect(v.control.stats().total).toBe(0);
    const cleared = await control(v, '', 'DELETE');
    expect(await cleared.json()).toMatchObject({ delivered: 0, failed: 0, dropped: 0, attempts: [] });
  });
});

describe('Paylane webhooks: secret rotation', () => {
  it('signs with every active secret after a roll, and only with the newest after expiry', async () => {
    const { v, r } = await start();
    const rolled = await rollWebhookSecret(v.url);
    expect(rolled.active).toBe(2);
    expect(rolled.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    await newIntent(v);
    await waitForWebhooksIdle(v.url);
    const both = r.received[0]!;
    expect(String(both.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(r.verifies(both, DEFAULT_WEBHOOK_SECRET)).toBe(true);
    expect(r.verifies(both, rolled.secret)).toBe(true);

    expect(await expireWebhookSecrets(v.url)).toEqual({ active: 1 });
    expect((await webhookStatus(v.url)).activeSecrets).toBe(1);
    await newIntent(v);
    await waitForWebhooksIdle(v.url);
    const newest = r.received[1]!;
    expect(r.verifies(newest, rolled.secret)).toBe(true);
    expect(r.verifies(newest, DEFAULT_WEBHOOK_SECRET)).toBe(false);
  });
});

describe('Paylane: events list', () => {
  it('pages newest first with starting_after and filters by type', async () => {
    receiver = await startWebhookReceiver();
    vendor = await createPaymentsVendor({ apiKey: KEY });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await newIntent(vendor, 100 + i)).id);
    const paid = await newIntent(vendor, 999);
    await confirmPayment(vendor.url, paid.id, paid.client_secret, 'pm_card_visa');

    const first = await listEvents(vendor.url, KEY, { limit: 3 });
    expect(first).toMatchObject({ object: 'list', has_more: true });
    expect(first.data.map((e) => e.type)).toEqual(['payment_intent.succeeded', 'payment_intent.created', 'payment_intent.created']);
    const second = await listEvents(vendor.url, KEY, { limit: 3, startingAfter: first.data[2]?.id });
    const third = await listEvents(vendor.url, KEY, { limit: 3, startingAfter: second.data[2]?.id });
    expect(second.has_more).toBe(true);
    expect(third).toMatchObject({ has_more: false });
    expect(third.data).toHaveLength(1);
    const all = [...first.data, ...second.data, ...third.data];
    expect(new Set(all.map((e) => e.id)).size).toBe(7);
    expect(all.map((e) => e.created)).toEqual([...all.map((e) => e.created)].sort((a, b) => b - a));
    expect(all.filter((e) => e.type === 'payment_intent.created').map((e) => (e.data.object as { id: string }).id)).toEqual([paid.id, ...[...ids].reverse()]);

    const created = await listEvents(vendor.url, KEY, { type: 'payment_intent.created', limit: 6 });
    expect(created).toMatchObject({ has_more: false });
    expect(created.data).toHaveLength(6);
    expect((await listEvents(vendor.url, KEY, { type: 'payment_intent.*', limit: 100 })).data).toHaveLength(7);
    expect((await listEvents(vendor.url, KEY, { type: 'charge.refunded' })).data).toEqual([]);
    for (const e of all) expect(e).toMatchObject({ object: 'event', livemode: false });
    expect(all[0]?.id).toMatch(/^evt_[A-Za-z0-9]{24}$/);
  });
});
