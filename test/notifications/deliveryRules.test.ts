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
 * a vendor that stays down is given up after NOTIFICATIONS_SEND_ATTEMPTS sends, sends the
 * breaker refused do not count, and a push past its time to live is given up; a Retry-After
 * is honoured; a phone registered after the event gets none of it; a late answer does not
 * overwrite a decided row. One HTTP call per send (no in-call retries), so the sandbox counts sends.
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
    const fcm = n.sandbox.vendor('fcm').control;
    fcm.setFaults({ script: [{ status: 429, retryAfterS: 5, body: fcmErrorBody(429, 'QUOTA_EXCEEDED', 'Quota exceeded.') }] });
    const event = orderEvent(orderId(), 'usr_0305', 'PAID');
    await post(event);
    const row = await waitFor('the deferred push', async () => {
      const { rows } = await n.db().query<{ status: string; attempts: number; retry_at: Date | string }>('SELECT status, attempts, retry_at FROM deliveries WHERE event_id = $1', [
        event.id,
      ]);
      return rows[0]?.status === 'retry' ? rows[0] : undefined;
    });
    expect(Number(row.attempts)).toBe(1);
    const { rows } = await n.db().query<{ processed_at: unknown }>('SELECT processed_at FROM events WHERE id = $1', [event.id]);
    expect(rows[0]?.processed_at).toBeNull();
    expect(await waitForProcessed(n.db(), event.id, RETRYING_MS)).toEqual([{ device_token: token, status: 'sent', attempts: 2 }]);
    // retry_at and both arrival times are read on one clock (this process's): the worker wrote
    // retry_at from the answer plus Retry-After, the sandbox stamps what it receives.
    const retryAt = new Date(row.retry_at).getTime();
    const landed = await push.fcm(token);
    expect(landed).toHaveLength(1);
    expect(Date.parse((landed[0] as { receivedAt?: string } | undefined)?.receivedAt ?? '')).toBeGreaterThanOrEqual(retryAt);
    const sends = fcm.stats().calls.filter((c) => c.requestId === `event-${event.id}`);
    expect(sends.filter((c) => c.at < retryAt).map((c) => c.status)).toEqual([429]);
    expect(sends.map((c) => c.status)).toEqual([429, 200]);
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

  /** Stores the event as the events route does, but without its job: only this test processes it. */
  const storeWithoutJob = async (event: ReturnType<typeof orderEvent>) => {
    await n.db().query('INSERT INTO events (id, type, payload) VALUES ($1, $2, $3::jsonb)', [event.id, event.type, JSON.stringify(event)]);
  };

  it('sends the breaker refused (the push service never saw them) are not counted; the push is given up once its time to live since receipt has passed', async () => {
    const token = apnsToken();
    await register('usr_0306', 'IOS', token);
    const event = orderEvent(orderId(), 'usr_0306', 'PAID');
    await storeWithoutJob(event);
    // A sender of our own whose breaker opens at the first fault and stays open.
    const config = parseNotificationsConfig({
      NOTIFICATIONS_VENDOR_URL: n.sandbox.vendor('fcm').url,
      NOTIFICATIONS_APNS_URL: n.sandbox.vendor('apns').url,
      NOTIFICATIONS_RETRY_MAX_ATTEMPTS: '1',
      NOTIFICATIONS_BREAKER_CONSECUTIVE_FAILURES: '1',
      NOTIFICATIONS_BREAKER_RESET_MS: '600000',
    });
    const sender = createPushSender(config, silent);
    const apns = n.sandbox.vendor('apns').control;
    const delivery = async () =>
      (await n.db().query<{ status: string; attempts: number }>('SELECT status, attempts FROM deliveries WHERE event_id = $1', [event.id])).rows.map((r) => ({
        status: r.status,
        attempts: Number(r.attempts),
      }));
    try {
      apns.setFaults({ script: [{ status: 503 }] });
      const deps = { stores: stores(), sender, logger: silent };
      expect((await processEvent(deps, event.id)).kind).toBe('pending');
      expect(await delivery()).toEqual([{ status: 'retry', attempts: 1 }]);
      // More runs than NOTIFICATIONS_SEND_ATTEMPTS, each refused by the open breaker: none counts.
      for (let i = 0; i < SEND_ATTEMPTS + 1; i++) expect((await processEvent(deps, event.id)).kind).toBe('pending');
      expect(await delivery()).toEqual([{ status: 'retry', attempts: 1 }]);
      // Two days on (the phone registered before the event, as it was): the push's time to live, a day for order.paid, has run out.
      await n.db().query("UPDATE events SET received_at = received_at - interval '2 days' WHERE id = $1", [event.id]);
      await n.db().query("UPDATE devices SET created_at = created_at - interval '2 days' WHERE token = $1", [token]);
      expect(await processEvent(deps, event.id)).toEqual({ kind: 'done', recipients: 1, sent: 0 });
      expect(await delivery()).toEqual([{ status: 'gave_up', attempts: 1 }]);
    } finally {
      await sender.close();
    }
    expect(apns.stats().calls.filter((c) => c.requestId === `event-${event.id}`).map((c) => c.status)).toEqual([503]);
    expect(await push.apns(token)).toEqual([]);
  });

  it('a phone registered after the event was received does not get its push, however late the event is processed', async () => {
    const before = fcmToken();
    const after = fcmToken();
    await register('usr_0307', 'ANDROID', before);
    const event = orderEvent(orderId(), 'usr_0307', 'PAID');
    await storeWithoutJob(event);
    await register('usr_0307', 'ANDROID', after);
    const config = parseNotificationsConfig({ NOTIFICATIONS_VENDOR_URL: n.sandbox.vendor('fcm').url, NOTIFICATIONS_APNS_URL: n.sandbox.vendor('apns').url });
    const sender = createPushSender(config, silent);
    try {
      expect(await processEvent({ stores: stores(), sender, logger: silent }, event.id)).toEqual({ kind: 'done', recipients: 1, sent: 1 });
    } finally {
      await sender.close();
    }
    const { rows } = await n.db().query<{ device_token: string }>('SELECT device_token FROM deliveries WHERE event_id = $1', [event.id]);
    expect(rows.map((r) => r.device_token)).toEqual([before]);
    expect(await push.fcm(before)).toHaveLength(1);
    expect(await push.fcm(after)).toEqual([]);
  });

  it('an answer recorded after another run decided the row (a late original run) changes nothing; only a row still sending takes it', async () => {
    const event = orderEvent(orderId(), 'usr_0308', 'PAID');
    await storeWithoutJob(event);
    const [decided, inFlight] = [fcmToken(), fcmToken()];
    await n.db().query(
      "INSERT INTO deliveries (event_id, device_token, user_id, status, attempts) VALUES ($1, $2, 'usr_0308', 'unknown', 1), ($1, $3, 'usr_0308', 'sending', 1)",
      [event.id, decided, inFlight],
    );
    const { deliveries } = stores();
    expect(await deliveries.mark(event.id, decided, 'sent', { messageId: 'late' })).toBe(false);
    expect(await deliveries.mark(event.id, decided, 'retry', { retryAt: new Date() })).toBe(false);
    expect(await deliveries.mark(event.id, inFlight, 'sent', { messageId: 'm-1' })).toBe(true);
    expect(await deliveries.mark(event.id, inFlight, 'gave_up')).toBe(false);
    const { rows } = await n.db().query<{ device_token: string; status: string; message_id: string | null }>(
      'SELECT device_token, status, message_id FROM deliveries WHERE event_id = $1',
      [event.id],
    );
    expect(Object.fromEntries(rows.map((r) => [r.device_token, [r.status, r.message_id]]))).toEqual({ [decided]: ['unknown', null], [inFlight]: ['sent', 'm-1'] });
  });
});
