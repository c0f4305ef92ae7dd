import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../platform/config/parseConfig.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { sandboxDefaults } from '../../../platform/registry/services.js';
import { createApnsVendor, type RunningApnsVendor } from '../../../vendors/apns/createApnsVendor.js';
import { createFcmVendor, type RunningFcmVendor } from '../../../vendors/fcm/createFcmVendor.js';
import { vendorSettings } from '../../kit/vendor/vendorSettings.js';
import { createPushSender, type PushSenderConfig } from './createPushSender.js';
import type { PushMessage, PushSender } from './PushSender.js';
import { pushSettings } from './pushSettings.js';
import { renderNotification, toPushMessage } from './renderNotification.js';

// iOS pushes through the APNs-shaped sandbox (h2c) on port 0, through createPushSender as the
// notifications service uses it; attempts are counted at the sandbox.
const SEND_ROUTE = 'POST /3/device/:deviceToken';
const logger = createLogger({ service: 'test', level: 'silent' });
const T0 = Date.UTC(2026, 0, 15, 12);
const MINUTE = 60_000;

let apns: RunningApnsVendor;
let fcm: RunningFcmVendor;
/** Our clock (provider-token age, TTLs) and Apple's (token age checks): together, except to fake a token Apple calls expired. */
let now = T0;
let vendorNow = T0;
const advance = (ms: number) => {
  now += ms;
  vendorNow += ms;
};

beforeAll(async () => {
  apns = await createApnsVendor({ apiKey: 'sandbox-apns-key', clock: () => vendorNow });
  fcm = await createFcmVendor({ apiKey: 'sandbox-fcm-key' });
});
afterAll(async () => {
  await apns.close();
  await fcm.close();
});

let sender: PushSender | undefined;
beforeEach(() => {
  now = T0;
  vendorNow = T0;
  apns.control.resetFaults();
  apns.control.resetStats();
  apns.apns.clearNotifications();
});
afterEach(async () => {
  await sender?.close();
  sender = undefined;
});

function config(env: Record<string, string> = {}): PushSenderConfig {
  return parseConfig(
    'notifications',
    { ...vendorSettings('NOTIFICATIONS', { ...sandboxDefaults('notifications'), maxBatchSize: 1, cacheTtlMs: 0 }), ...pushSettings },
    {
      NOTIFICATIONS_VENDOR_URL: fcm.url,
      NOTIFICATIONS_APNS_URL: apns.url,
      NOTIFICATIONS_RETRY_BASE_MS: '5',
      NOTIFICATIONS_RETRY_RATE_LIMITED_MIN_MS: '10',
      NOTIFICATIONS_RETRY_BUDGET_PERCENT: '100',
      ...env,
    },
  );
}

function start(env: Record<string, string> = {}): PushSender {
  sender = createPushSender(config(env), logger, { now: () => now });
  return sender;
}

let tokens = 0;
/** A fresh 64-hex device token per call, so per-device rate limits and logs never mix tests. */
const ios = () => ({ platform: 'IOS' as const, token: (++tokens).toString(16).padStart(4, '0').repeat(16) });
const call = { requestId: 'req-apns' };
const rendered = renderNotification(
  { id: 'review:rev_77', type: 'review.created', occurredAt: '2026-01-15T12:00:00Z', data: { reviewId: 'rev_77', productId: 'prd_123', authorId: 'usr_9' } },
  'de-AT',
);
if (rendered === null) throw new Error('review.created renders');
const message = (): PushMessage => toPushMessage(rendered, now);
const statuses = () => apns.control.stats().calls.filter((c) => c.route === SEND_ROUTE).map((c) => c.status);

async function warmUp(s: PushSender, n = 5): Promise<void> {
  for (let i = 0; i < n; i++) expect((await s.send(ios(), message(), call)).kind).toBe('sent');
  apns.control.resetStats();
  apns.apns.clearNotifications();
}

describe('push to iOS through APNs (sandbox, HTTP/2)', () => {
  it('sends to /3/device/{token} with topic, alert type, priority, collapse id, expiration, and the data beside aps', async () => {
    const s = start();
    const device = ios();
    const outcome = await s.send(device, message(), call);
    expect(outcome).toEqual({ kind: 'sent', messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const { notifications } = apns.apns.notifications();
    expect(notifications).toEqual([
      {
        apnsId: (outcome as { messageId: string }).messageId,
        token: device.token,
        topic: 'com.example.mobilegraph',
        pushType: 'alert',
        priority: 5,
        collapseId: 'product-reviews-prd_123',
        expiration: Math.floor(T0 / 1000) + 3 * 86_400,
        payload: {
          kind: 'product',
          productId: 'prd_123',
          aps: { alert: { title: 'Neue Bewertung', body: 'Ein Produkt, das Sie bewertet haben, hat eine neue Bewertung. Tippen zum Lesen.' }, sound: 'default' },
        },
        receivedAt: expect.any(Number),
      },
    ]);
    expect(apns.control.stats().calls[0]).toMatchObject({ path: `/3/device/${device.token}`, requestId: 'req-apns' });
  });

  it('a data key named aps cannot replace Apple’s dictionary; a high-priority push is apns-priority 10', async () => {
    const s = start();
    await s.send(ios(), { ...message(), priority: 'high', data: { aps: 'spoof', kind: 'order', orderId: 'ord_1' } }, call);
    const [n] = apns.apns.notifications().notifications;
    expect(n?.priority).toBe(10);
    expect(n?.payload).toEqual({ kind: 'order', orderId: 'ord_1', aps: { alert: expect.any(Object), sound: 'default' } });
  });

  it('reuses one provider token for 50 minutes (no TooManyProviderTokenUpdates), then signs a new one Apple accepts', async () => {
    const s = start();
    // Concurrent sends share the connection and the token.
    const burst = await Promise.all(Array.from({ length: 10 }, () => s.send(ios(), message(), call)));
    expect(burst.map((o) => o.kind)).toEqual(Array(10).fill('sent'));
    // Every 5 minutes: a token re-signed on any of these sends would switch the connection's
    // token within 20 minutes of the last, which APNs (and the sandbox) refuses with a 429.
    for (let minute = 5; minute < 50; minute += 5) {
      advance(5 * MINUTE);
      expect((await s.send(ios(), message(), call)).kind).toBe('sent');
    }
    advance(6 * MINUTE); // 51 minutes: a new token, more than 20 minutes after the first
    expect((await s.send(ios(), message(), call)).kind).toBe('sent');
    expect(new Set(statuses())).toEqual(new Set([200]));
    expect(statuses()).toHaveLength(20);
  });

  it('403 ExpiredProviderToken: the token is replaced and the push re-sent in the same call', async () => {
    const s = start();
    expect((await s.send(ios(), message(), call)).kind).toBe('sent');
    now += 40 * MINUTE; // our token is 40 minutes old: we would keep it …
    vendorNow += 61 * MINUTE; // … but Apple's clock says it is past the hour
    expect((await s.send(ios(), message(), call)).kind).toBe('sent');
    expect(statuses()).toEqual([200, 403, 200]);
    expect(apns.apns.notifications().count).toBe(2);
  });

  it('410 Unregistered → unregistered, BadDeviceToken and DeviceTokenNotForTopic → invalid_token: one attempt each, and the breaker stays shut', async () => {
    const s = start({ NOTIFICATIONS_BREAKER_CONSECUTIVE_FAILURES: '2' });
    const gone = ios();
    apns.apns.unregister(gone.token);
    for (let i = 0; i < 3; i++) expect(await s.send(gone, message(), call)).toEqual({ kind: 'unregistered', since: expect.any(Date) });
    expect(await s.send({ platform: 'IOS', token: 'not-hex' }, message(), call)).toEqual({ kind: 'invalid_token' });
    apns.control.setFaults({ script: [{ status: 400, body: { reason: 'DeviceTokenNotForTopic' } }] });
    expect(await s.send(ios(), message(), call)).toEqual({ kind: 'invalid_token' });
    expect(statuses()).toEqual([410, 410, 410, 400, 400]);
    // Dead tokens are answers, not faults: the next push goes out.
    expect((await s.send(ios(), message(), call)).kind).toBe('sent');
  });

  it('429 TooManyRequests and 503 are retried by the kit, then the push is sent', async () => {
    const s = start();
    await warmUp(s);
    apns.control.setFaults({ script: [{ status: 429, body: { reason: 'TooManyRequests' } }, { status: 503, body: { reason: 'ServiceUnavailable' } }] });
    const device = ios();
    expect((await s.send(device, message(), call)).kind).toBe('sent');
    expect(statuses()).toEqual([429, 503, 200]);
    expect(apns.apns.notifications().notifications.map((n) => n.token)).toEqual([device.token]);
  });

  it('other 4xx (413 PayloadTooLarge, 403 Forbidden) are `rejected` after exactly one attempt', async () => {
    const s = start();
    await warmUp(s);
    apns.control.setFaults({ script: [{ status: 413, body: { reason: 'PayloadTooLarge' } }, { status: 403, body: { reason: 'Forbidden' } }] });
    expect(await s.send(ios(), message(), call)).toEqual({ kind: 'rejected', reason: 'apns refused 413 PayloadTooLarge' });
    expect(await s.send(ios(), message(), call)).toEqual({ kind: 'rejected', reason: 'apns auth 403 Forbidden' });
    expect(statuses()).toEqual([413, 403]);
  });

  it('a hung APNs is `retry` at the deadline, and close() ends the sender', async () => {
    const s = start({ NOTIFICATIONS_APNS_DEADLINE_MS: '200' });
    apns.control.setFaults({ hang: true });
    expect(await s.send(ios(), message(), call)).toEqual({ kind: 'retry', reason: 'timeout' });
    await s.close();
    expect(await s.send(ios(), message(), call)).toEqual({ kind: 'retry', reason: 'breaker_open' });
  });
});
