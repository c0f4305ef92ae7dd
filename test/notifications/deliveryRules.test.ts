import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/log/createLogger.js';
import { parseNotificationsConfig } from '../../subgraphs/notifications/config.js';
import { processEvent } from '../../subgraphs/notifications/inbox/processEvent.js';
import { createPushSender } from '../../subgraphs/notifications/push/createPushSender.js';
import type { NotificationsStores } from '../../subgraphs/notifications/store/NotificationsStores.js';
import { fcmErrorBody } from '../../vendors/fcm/fcmErrors.js';
import { apnsToken, fcmToken, orderEvent, postEvent, startNotificationsStack, waitFor, waitForProcessed, type NotificationsStack } from './notificationsStack.js';
import { REGISTER } from './operations.js';
import { pushSandboxes, type PushSandboxes } from './pushSandboxes.js';

const silent = createLogger({ service: 'test', level: 'silent' });
const orderId = () => `ord_${randomBytes(10).toString('hex')}`;
const SEND_ATTEMPTS = 2;
/** pg-boss runs a failed job again after 1-2 s, then 2-4 s, 4-8 s…: the retrying tests wait that long. */
const RETRYING_MS = 60_000;

/**
 * The rule "no push twice to one device, and a deferred push is tried again within limits",
 * against the real store, push layer and sandboxes: a push a crashed worker left mid-send is
 * never resent; a job run again sends nothing new; UNAVAILABLE is retried once it passes;
 * a vendor that stays down is given up after NOTIFICATIONS_SEND_ATTEMPTS sends; a Retry-After
 * is honoured. One HTTP call per send (no in-call retries), so the sandbox counts sends.
 */
describe('delivery rules', () => {
  let n: NotificationsStack;
  let push: PushSandboxes;
  beforeAll(async () => {
    n = await startNotificationsStack({
      env: { NOTIFICATIONS_RETRY_MAX_ATTEMPTS: '1', NOTIFICATIONS_SEND_ATTEMPTS: String(SEND_ATTEMPTS) },
    });
    push = pushSandboxes({ fcm: n.sandbox.vendor('fcm').url, apns: n.sandbox.vendor('apns').url });
  });
  afterAll(async () => {
    await n?.close();
  });

  const register = async (sub: string, platform: 'IOS' | 'ANDROID', token: string) => {
    const res = await n.as(sub, REGISTER, { platform, token, locale: 'en', appVersion: '3.4.0' });
    expect(res.json.errors, JSON.stringify(res.json.errors)).toBeUndefined();
  };
  const post = async (event: Parameters<typeof postEvent>[1]) => expect((await postEvent(n.eventsUrl, event)).status).toBe(200);
  const stores = (): NotificationsStores => {
    const context = n.stack.subgraph('notifications').service.createContext({ requestId: `test-${randomUUID()}`, logger: silent, viewer: null });
    return (context as { stores: () => NotificationsStores }).stores();
  };

  it('a push left "sending" by a worker that died is marked unknown and never sent again; the inbox row is still written', async () => {
    const token = apnsToken();
    await register('usr_0301', 'IOS', token);
    const event = orderEvent(orderId(), 'usr_0301', 'PAID');
    // What a worker killed between committing the claim and hearing the answer leaves behind.
    await n.db().query("INSERT INTO deliveries (event_id, device_token, user_id, status, attempts) VALUES ($1, $2, 'usr_0301', 'sending', 1)", [event.id, token]);
    await post(event);
    expect(await waitForProcessed(n.db(), event.id)).toEqual([{ device_token: token, status: 'unknown', attempts: 1 }]);
    expect(await push.apns(token)).toEqual([]);
    const { rows } = await n.db().query('SELECT title FROM notifications WHERE event_id = $1', [event.id]);
    expect(rows).toHaveLength(1);
  });

  it('the same event processed again (a redelivered job) sends nothing new and writes no second inbox row', async () => {
    const ios = apnsToken();
    const android = fcmToken();
    await register('usr_0302', 'IOS', ios);
    await register('usr_0302', 'ANDROID', android);
    const event = orderEvent(orderId(), 'usr_0302', 'REFUNDED');
    await post(event);
    await waitForProcessed(n.db(), event.id);
    expect(await push.count([ios, android])).toBe(2);

    await n.db().query('UPDATE events SET processed_at = NULL WHERE id = $1', [event.id]);
    const config = parseNotificationsConfig({ NOTIFICATIONS_VENDOR_URL: n.sandbox.vendor('fcm').url, NOTIFICATIONS_APNS_URL: n.sandbox.vendor('apns').url });
    const sender = createPushSender(config, silent);
    try {
      expect(await processEvent({ stores: stores(), sender, logger: silent }, event.id)).toEqual({ kind: 'done', recipients: 1, sent: 0 });
    } finally {
      await sender.close();
    }
    expect(await push.count([ios, android])).toBe(2);
    const { rows } = await n.db().query('SELECT id FROM notifications WHERE event_id = $1', [event.id]);
    expect(rows).toHaveLength(1);
  });

  it('UNAVAILABLE once: the push is tried again by a later run of the job and lands exactly once', async () => {
    const token = fcmToken();
    await register('usr_0303', 'ANDROID', token);
    n.sandbox.vendor('fcm').control.setFaults({ script: [{ status: 503, body: fcmErrorBody(503, 'UNAVAILABLE', 'The service is currently unavailable.') }] });
    const event = orderEvent(orderId(), 'usr_0303', 'PAID');
    await post(event);
    expect(await waitForProcessed(n.db(), event.id, RETRYING_MS)).toEqual([{ device_token: token, status: 'sent', attempts: 2 }]);
    expect(await push.fcm(token)).toHaveLength(1);
  }, RETRYING_MS);

  it('a 429 with Retry-After: the push is not tried again before then (its row says when), then lands once', async () => {
    const token = fcmToken();
    await register('usr_0305', 'ANDROID', token);
    n.sandbox.vendor('fcm').control.setFaults({ script: [{ status: 429, retryAfterS: 5, body: fcmErrorBody(429, 'QUOTA_EXCEEDED', 'Quota exceeded.') }] });
    const event = orderEvent(orderId(), 'usr_0305', 'PAID');
    await post(event);
    const row = await waitFor('the deferred push', async () => {
      const { rows } = await n.db().query<{ status: string; attempts: number; retry_at: Date; updated_at: Date }>(
        'SELECT status, attempts, retry_at, updated_at FROM deliveries WHERE event_id = $1',
        [event.id],
      );
      return rows[0]?.status === 'retry' ? rows[0] : undefined;
    });
    expect(Number(row.attempts)).toBe(1);
    // Five seconds less the moments between the answer and the row's write: the Retry-After was applied.
    expect(new Date(row.retry_at).getTime() - new Date(row.updated_at).getTime()).toBeGreaterThanOrEqual(4_000);
    const { rows } = await n.db().query<{ processed_at: unknown }>('SELECT processed_at FROM events WHERE id = $1', [event.id]);
    expect(rows[0]?.processed_at).toBeNull();
    expect(await waitForProcessed(n.db(), event.id, RETRYING_MS)).toEqual([{ device_token: token, status: 'sent', attempts: 2 }]);
    expect(await push.fcm(token)).toHaveLength(1);
  }, RETRYING_MS);
  it(`a push service that stays down: given up after ${SEND_ATTEMPTS} sends, and the event is done`, async () => {
    const token = fcmToken();
    await register('usr_0304', 'ANDROID', token);
    const fcm = n.sandbox.vendor('fcm').control;
    fcm.setFaults({ outage: true });
    try {
      const event = orderEvent(orderId(), 'usr_0304', 'PAID');
      await post(event);
      expect(await waitForProcessed(n.db(), event.id, RETRYING_MS)).toEqual([{ device_token: token, status: 'gave_up', attempts: SEND_ATTEMPTS }]);
    } finally {
      fcm.resetFaults();
    }
    expect(await push.fcm(token)).toEqual([]);
  }, RETRYING_MS);

});
