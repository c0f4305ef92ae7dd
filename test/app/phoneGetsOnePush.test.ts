/**
 * Issue 9's "done when", end to end over real HTTP: a phone signs in, registers its push
 * tokens through the graph, pays for an order on the payment vendor's sheet, and each of its
 * devices receives exactly one push through the push sandboxes, on its own platform's API,
 * lock-screen safe, collapsed per order; duplicates of the payment's webhook push nothing
 * more; a refund replaces the push (same collapse id); and the push services being down
 * neither slows nor fails the payment, whose push goes out once they are back.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { refund, resendEvent, waitForWebhooksIdle } from '../../vendors/payments/paylaneClient.js';
import { newDeviceToken } from '../../vendors/fcm/fcmClient.js';
import type { PhoneDevice, SandboxPhone } from './sandboxPhone.js';
import { pushSandboxes, type PushSandboxes } from '../notifications/pushSandboxes.js';
import { CART, eventsOfIntent, intentIdOf, startPaymentsStack, transitions, waitFor, waitForProcessed, type PaymentsStack } from '../payments/paymentsStack.js';

let p: PaymentsStack;
let pushes: PushSandboxes;

beforeAll(async () => {
  p = await startPaymentsStack();
  pushes = pushSandboxes({ fcm: p.sandbox.vendor('fcm').url, apns: p.sandbox.vendor('apns').url });
}, 60_000);
afterAll(() => p?.close());
beforeEach(() => p.sandbox.reset());

const iphone = (locale = 'fr-FR'): PhoneDevice => ({ platform: 'IOS', token: randomBytes(32).toString('hex'), locale, appVersion: '3.4.0' });
const android = (locale = 'en-US'): PhoneDevice => ({ platform: 'ANDROID', token: newDeviceToken(), locale, appVersion: '3.4.0' });

/** Waits until these tokens together received `n` pushes (and returns the count then). */
const untilPushes = (tokens: readonly string[], n: number) =>
  waitFor(`${n} pushes to ${tokens.length} devices`, async () => {
    const count = await pushes.count(tokens);
    return count >= n ? count : undefined;
  });

async function signedInPhone(sub: string, devices: readonly PhoneDevice[]): Promise<SandboxPhone> {
  const phone = await p.phone(sub);
  for (const device of devices) await phone.registerDevice(device);
  return phone;
}

describe('a phone that registered for pushes pays for an order', () => {
  it('gets exactly one push per device, on its platform, collapsed per order; duplicates push nothing; a refund replaces it', { timeout: 60_000 }, async () => {
    const ios = iphone('fr-FR');
    const tablet = android('en-US');
    const phone = await signedInPhone('usr_0601', [ios, tablet]);

    const checkout = await phone.startCheckout(CART);
    expect(await phone.pay(checkout, 'pm_card_visa')).toBe('succeeded');
    // The app syncs and the vendor's webhooks arrive too: two paths, one state change, one event.
    expect((await phone.confirm(checkout.orderId)).status).toBe('PAID');
    await untilPushes([ios.token, tablet.token], 2);

    const intentId = intentIdOf(checkout.clientSecret);
    const vendorEvents = await eventsOfIntent(p, intentId);
    // Every webhook of this payment delivered and applied, then each delivered once more.
    await waitForWebhooksIdle(p.vendorUrl);
    await waitForProcessed(p.db(), vendorEvents.map((e) => e.id));
    for (const event of vendorEvents) await resendEvent(p.vendorUrl, event.id);
    await waitForWebhooksIdle(p.vendorUrl);
    await waitForProcessed(p.db(), vendorEvents.map((e) => e.id));
    expect((await transitions(p.db(), checkout.orderId)).map((t) => t.to_status)).toEqual(['PAID']);

    // The iPhone through APNs only, the tablet through FCM only: one push each.
    const [apns] = await pushes.apns(ios.token);
    expect(await pushes.apns(ios.token)).toHaveLength(1);
    expect(await pushes.fcm(ios.token)).toHaveLength(0);
    const [fcm] = await pushes.fcm(tablet.token);
    expect(await pushes.fcm(tablet.token)).toHaveLength(1);
    expect(await pushes.apns(tablet.token)).toHaveLength(0);

    // One visible notification per order: a later state of it replaces this one.
    expect(apns!.collapseId).toBe(`order-${checkout.orderId}`);
    expect(apns!.topic).toBe('com.example.mobilegraph');
    expect(fcm!.collapseKey).toBe(`order-${checkout.orderId}`);
    // In each device's language, and nothing the lock screen must not show: no amount, no
    // product, no user id. The app reads the order through the graph with the id in `data`.
    const iosText = `${apns!.payload.aps?.alert?.title} ${apns!.payload.aps?.alert?.body}`;
    const androidText = `${fcm!.notification?.title} ${fcm!.notification?.body}`;
    expect(iosText).not.toEqual(androidText);
    for (const text of [iosText, androidText, JSON.stringify(apns!.payload), JSON.stringify(fcm!.data)]) {
      expect(text).not.toContain(checkout.total.amount);
      expect(text).not.toContain('usr_0601');
      expect(text).not.toMatch(/Cushion|Cargo|@/);
    }
    expect(fcm!.data).toMatchObject({ orderId: checkout.orderId });

    // The inbox has it too, so a missed push is still visible in the app.
    const inbox = await phone.notifications();
    expect(inbox.filter((n) => n.orderId === checkout.orderId)).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ category: 'ORDER_UPDATES', orderId: checkout.orderId, readAt: null });

    // Refunded: one more push per device, under the same collapse id.
    await refund(p.vendorUrl, p.serverKey, intentId);
    await untilPushes([ios.token, tablet.token], 4);
    const after = await pushes.apns(ios.token);
    expect(after.map((n) => n.collapseId)).toEqual([`order-${checkout.orderId}`, `order-${checkout.orderId}`]);
    expect(await pushes.count([ios.token, tablet.token])).toBe(4);
  });

  it('pays at full speed with both push services down, and the push goes out once they are back', { timeout: 60_000 }, async () => {
    const ios = iphone('en-GB');
    const tablet = android('de-DE');
    const phone = await signedInPhone('usr_0602', [ios, tablet]);
    p.sandbox.vendor('fcm').control.setFaults({ outage: true });
    p.sandbox.vendor('apns').control.setFaults({ outage: true });

    const checkout = await phone.startCheckout(CART);
    expect(await phone.pay(checkout, 'pm_card_visa')).toBe('succeeded');
    expect((await phone.confirm(checkout.orderId)).status).toBe('PAID');
    expect(await phone.waitForStatus(checkout.orderId, (s) => s === 'PAID')).toBe('PAID');
    // The push services were asked (and failed): the event reached the consumer, which keeps it for later.
    await waitFor('a failed push attempt at each push service', async () =>
      p.sandbox.vendor('fcm').control.stats().total > 0 && p.sandbox.vendor('apns').control.stats().total > 0 ? true : undefined,
    );
    expect(await pushes.count([ios.token, tablet.token])).toBe(0);
    // The inbox does not wait for the push services.
    expect((await phone.notifications()).map((n) => n.orderId)).toContain(checkout.orderId);

    p.sandbox.vendor('fcm').control.resetFaults();
    p.sandbox.vendor('apns').control.resetFaults();
    await untilPushes([ios.token, tablet.token], 2);
    expect(await pushes.apns(ios.token)).toHaveLength(1);
    expect(await pushes.fcm(tablet.token)).toHaveLength(1);
  });
});
