import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../platform/config/parseConfig.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { sandboxDefaults } from '../../../platform/registry/services.js';
import { createApnsVendor, type RunningApnsVendor } from '../../../vendors/apns/createApnsVendor.js';
import { createFcmVendor, type RunningFcmVendor } from '../../../vendors/fcm/createFcmVendor.js';
import { newDeviceToken } from '../../../vendors/fcm/fcmClient.js';
import { fcmErrorBody, UNAVAILABLE_MESSAGE } from '../../../vendors/fcm/fcmErrors.js';
import { vendorSettings } from '../../kit/vendor/vendorSettings.js';
import { createPushSender, type PushSenderConfig } from './createPushSender.js';
import type { PushMessage, PushSender } from './PushSender.js';
import { pushSettings } from './pushSettings.js';
import { renderNotification, toPushMessage } from './renderNotification.js';

// Android pushes through the FCM-shaped sandbox on port 0, through createPushSender as the
// notifications service uses it; attempts and token exchanges are counted at the sandbox.
const SEND_ROUTE = 'POST /v1/projects/:project/messages:send';
const TOKEN_ROUTE = 'POST /token';
const logger = createLogger({ service: 'test', level: 'silent' });

let fcm: RunningFcmVendor;
let apns: RunningApnsVendor;
const T0 = Date.UTC(2026, 0, 15, 12);
/** Our clock (token cache, TTLs) and the vendor's (token expiry): usually together, apart to fake a token revoked early. */
let now = T0;
let vendorNow = T0;
const clock = () => now;
const advance = (ms: number) => {
  now += ms;
  vendorNow += ms;
};

beforeAll(async () => {
  fcm = await createFcmVendor({ apiKey: 'sandbox-fcm-key', clock: () => vendorNow });
  // The sender starts both channels; APNs is here to be reachable (one test sends to it).
  apns = await createApnsVendor({ apiKey: 'sandbox-apns-key', clock: () => vendorNow });
});
afterAll(async () => {
  await fcm.close();
  await apns.close();
});

let sender: PushSender | undefined;
beforeEach(() => {
  now = T0;
  vendorNow = T0;
  fcm.push.setTokenTtl(3600);
  fcm.control.resetFaults();
  fcm.control.resetStats();
  fcm.push.clearMessages();
  fcm.push.resetDevices();
  fcm.push.setQuota(null);
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
      NOTIFICATIONS_VENDOR_DEADLINE_MS: '5000',
      // Long enough to wait out a Retry-After of 1 s inside one call.
      NOTIFICATIONS_RETRY_MAX_DELAY_MS: '2000',
      NOTIFICATIONS_RETRY_BASE_MS: '5',
      NOTIFICATIONS_RETRY_RATE_LIMITED_MIN_MS: '10',
      NOTIFICATIONS_RETRY_BUDGET_PERCENT: '100',
      ...env,
    },
  );
}

function start(env: Record<string, string> = {}, log = logger): PushSender {
  sender = createPushSender(config(env), log, { now: clock });
  return sender;
}

const call = { requestId: 'req-push' };
const paid = renderNotification(
  { id: 'order:ord_8f3a2b1c9d:PAID', type: 'order.paid', occurredAt: '2026-01-15T12:00:00Z', data: { orderId: 'ord_8f3a2b1c9d', userId: 'usr_42', status: 'PAID' } },
  'en',
);
if (paid === null) throw new Error('order.paid renders');
const message = (): PushMessage => toPushMessage(paid, now);
const android = (token = newDeviceToken()) => ({ platform: 'ANDROID' as const, token });
const count = (route: string) => fcm.control.stats().byRoute[route]?.count ?? 0;

/** Successful sends, so the kit's retry budget (a share of recent successes) has tokens to lend. */
async function warmUp(s: PushSender, n = 5): Promise<void> {
  for (let i = 0; i < n; i++) expect((await s.send(android(), message(), call)).kind).toBe('sent');
  fcm.control.resetStats();
  fcm.push.clearMessages();
}

describe('push to Android through FCM (sandbox)', () => {
  it('sends the FCM v1 message: token, notification, ids-only data, collapse key and tag, priority, ttl', async () => {
    const s = start();
    const device = android();
    const outcome = await s.send(device, message(), call);
    expect(outcome).toEqual({ kind: 'sent', messageId: expect.stringMatching(/^projects\/sandbox-project\/messages\/0:/) });
    const { messages } = fcm.push.messages();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      project: 'sandbox-project',
      token: device.token,
      collapseKey: 'order-ord_8f3a2b1c9d',
      priority: 'HIGH',
      ttl: '86400s',
      notification: { title: 'Payment received', body: 'Order …2b1c9d is paid. Tap for details.' },
      data: { kind: 'order', orderId: 'ord_8f3a2b1c9d' },
      android: { notification: { tag: 'order-ord_8f3a2b1c9d' } },
      apns: null,
    });
    expect(fcm.control.stats().calls.find((c) => c.route === SEND_ROUTE)?.requestId).toBe('req-push');
  });

  it('exchanges the service account for a token once for many sends, concurrent ones included, and again once it expires', async () => {
    const s = start();
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => s.send(android(), message(), call)));
    expect(outcomes.map((o) => o.kind)).toEqual(Array(8).fill('sent'));
    for (let i = 0; i < 4; i++) await s.send(android(), message(), call);
    expect(count(TOKEN_ROUTE)).toBe(1);
    expect(count(SEND_ROUTE)).toBe(12);

    advance(56 * 60_000); // the hour's token is within 5 minutes of expiring: replaced before it fails
    expect((await s.send(android(), message(), call)).kind).toBe('sent');
    expect(count(TOKEN_ROUTE)).toBe(2);
    expect(count(SEND_ROUTE)).toBe(13); // no send was refused on the way
  });

  it('a token FCM refuses (401) is dropped, exchanged again, and the send goes through in the same call', async () => {
    const s = start();
    expect((await s.send(android(), message(), call)).kind).toBe('sent');
    vendorNow += 3601_000; // FCM holds the token expired; we still think it good
    expect((await s.send(android(), message(), call)).kind).toBe('sent');
    expect(count(TOKEN_ROUTE)).toBe(2);
    expect(fcm.control.stats().calls.filter((c) => c.route === SEND_ROUTE).map((c) => c.status)).toEqual([200, 401, 200]);
    expect(fcm.push.messages().count).toBe(2);
  });

  it('UNREGISTERED (404) → unregistered; SENDER_ID_MISMATCH and a malformed token → invalid_token; one attempt each', async () => {
    const s = start();
    const gone = android();
    const moved = android();
    fcm.push.unregister(gone.token);
    fcm.push.moveToProject(moved.token, 'another-project');
    expect(await s.send(gone, message(), call)).toEqual({ kind: 'unregistered' });
    expect(await s.send(moved, message(), call)).toEqual({ kind: 'invalid_token' });
    expect(await s.send(android('not-an-fcm-token'), message(), call)).toEqual({ kind: 'invalid_token' });
    expect(count(SEND_ROUTE)).toBe(3);
    expect(fcm.push.messages().count).toBe(0);
  });

  it('429 QUOTA_EXCEEDED with Retry-After and 503 UNAVAILABLE are retried by the kit, then the push is sent', async () => {
    const s = start();
    await warmUp(s);
    fcm.control.setFaults({
      script: [
        { status: 429, retryAfterS: 1, body: fcmErrorBody(429, 'QUOTA_EXCEEDED', 'Quota exceeded.') },
        { status: 503, body: fcmErrorBody(503, 'UNAVAILABLE', UNAVAILABLE_MESSAGE) },
      ],
    });
    const device = android();
    expect((await s.send(device, message(), call)).kind).toBe('sent');
    expect(fcm.control.stats().calls.filter((c) => c.route === SEND_ROUTE).map((c) => c.status)).toEqual([429, 503, 200]);
    expect(fcm.push.messages().messages.map((m) => m.token)).toEqual([device.token]);
  });

  it('gives up within limits: three attempts of UNAVAILABLE → retry, for the consumer to try later', async () => {
    const s = start();
    await warmUp(s, 10);
    const unavailable = { status: 503, body: fcmErrorBody(503, 'UNAVAILABLE', UNAVAILABLE_MESSAGE) };
    fcm.control.setFaults({ script: [unavailable, unavailable, unavailable, unavailable] });
    expect(await s.send(android(), message(), call)).toEqual({ kind: 'retry', reason: 'server 503' });
    expect(count(SEND_ROUTE)).toBe(3); // NOTIFICATIONS_RETRY_MAX_ATTEMPTS
  });

  it('a quota Retry-After longer than a call may wait is `retry` with afterMs, after one attempt', async () => {
    const s = start();
    await warmUp(s);
    fcm.push.setQuota({ limit: 1, windowMs: 60_000 });
    expect((await s.send(android(), message(), call)).kind).toBe('sent');
    const outcome = await s.send(android(), message(), call);
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'rate_limited' });
    expect((outcome as { afterMs?: number }).afterMs).toBeGreaterThan(2000);
    expect(count(SEND_ROUTE)).toBe(2);
  });

  it('another 4xx (INVALID_ARGUMENT not about the token, PERMISSION_DENIED) is `rejected` after exactly one attempt', async () => {
    const s = start();
    await warmUp(s);
    fcm.control.setFaults({ script: [{ status: 400, body: fcmErrorBody(400, 'INVALID_ARGUMENT', 'Android message is too big') }, { status: 403, body: { error: { code: 403, message: 'Permission denied.', status: 'PERMISSION_DENIED' } } }] });
    expect(await s.send(android(), message(), call)).toEqual({ kind: 'rejected', reason: 'fcm refused 400 INVALID_ARGUMENT' });
    expect(await s.send(android(), message(), call)).toEqual({ kind: 'rejected', reason: 'fcm auth 403 PERMISSION_DENIED' });
    expect(count(SEND_ROUTE)).toBe(2);
  });

  it('an outage is `retry` and the breaker then fails fast without calling FCM', async () => {
    const s = start({ NOTIFICATIONS_BREAKER_CONSECUTIVE_FAILURES: '2', NOTIFICATIONS_RETRY_MAX_ATTEMPTS: '1' });
    expect((await s.send(android(), message(), call)).kind).toBe('sent');
    fcm.control.setFaults({ outage: true });
    expect((await s.send(android(), message(), call)).kind).toBe('retry');
    expect((await s.send(android(), message(), call)).kind).toBe('retry');
    const before = count(SEND_ROUTE);
    expect(await s.send(android(), message(), call)).toEqual({ kind: 'retry', reason: 'breaker_open' });
    expect(count(SEND_ROUTE)).toBe(before);
  });

  it('never logs a credential: no access token, no signed assertion or provider token, no key', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const s = start({}, createLogger({ service: 'test', level: 'debug', destination }));
    expect((await s.send({ platform: 'IOS', token: 'not-hex' }, message(), call)).kind).toBe('invalid_token');
    expect((await s.send(android(), message(), call)).kind).toBe('sent');
    vendorNow += 3601_000; // a 401 on the way
    expect((await s.send(android(), message(), call)).kind).toBe('sent');
    fcm.control.setFaults({ script: [{ status: 400, body: fcmErrorBody(400, 'INVALID_ARGUMENT', 'Android message is too big') }] });
    expect((await s.send(android(), message(), call)).kind).toBe('rejected');
    const logged = lines.join('');
    expect(logged).toContain('vendor call failed'); // the failures were logged …
    for (const secret of ['ya29.', 'eyJ', 'PRIVATE KEY', 'Bearer']) expect(logged).not.toContain(secret); // … without credentials
  });
});
