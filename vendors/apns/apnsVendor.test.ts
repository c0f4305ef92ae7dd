import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApnsClient, APNS_SANDBOX_BUNDLE_ID, type ApnsSendInput } from './apnsClient.js';
import { createApnsVendor, type RunningApnsVendor } from './createApnsVendor.js';

const TOKEN = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);
const ALERT = { aps: { alert: { title: 'Order paid', body: 'Your order is on its way' }, sound: 'default', badge: 1, 'thread-id': 'orders' }, orderId: 'ord_1' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let vendor: RunningApnsVendor;
let client: ApnsClient;

beforeAll(async () => {
  vendor = await createApnsVendor({ apiKey: 'sandbox-apns-key' });
  client = new ApnsClient(vendor.url);
});
afterAll(async () => {
  await client.close();
  await vendor.close();
});
beforeEach(async () => {
  vendor.control.resetFaults();
  vendor.control.resetStats();
  await client.clearDevices();
});

describe('POST /3/device/{token}', () => {
  it('accepts a notification with every header, answers 200 with an empty body and apns-id, and records it', async () => {
    const apnsId = '5e3b1c2a-1d2e-4f3a-9b8c-7d6e5f4a3b2c';
    const sent = await client.send({
      token: TOKEN,
      payload: ALERT,
      pushType: 'alert',
      priority: 10,
      collapseId: 'order-ord_1',
      expiration: 1_900_000_000,
      apnsId,
      headers: { 'x-request-id': 'req-42' },
    });
    expect(sent).toMatchObject({ status: 200, apnsId, reason: null });
    expect(sent.uniqueId).toMatch(UUID);
    expect(sent.headers['content-length'] ?? '0').toBe('0');
    expect(sent.headers['x-request-id']).toBe('req-42');

    const { count, notifications } = await client.notifications();
    expect(count).toBe(1);
    expect(notifications[0]).toEqual({
      apnsId,
      token: TOKEN,
      topic: APNS_SANDBOX_BUNDLE_ID,
      pushType: 'alert',
      priority: 10,
      collapseId: 'order-ord_1',
      expiration: 1_900_000_000,
      payload: ALERT,
      receivedAt: expect.any(Number),
    });
    expect(vendor.control.stats().byRoute['POST /3/device/:deviceToken']?.count).toBe(1);
    expect(vendor.control.stats().calls[0]).toMatchObject({ method: 'POST', status: 200, requestId: 'req-42' });
  });

  it('makes up an apns-id when none is sent, defaults the push type and priority, and keeps the order of arrival', async () => {
    const first = await client.send({ token: TOKEN, payload: { aps: { alert: 'hi' } } });
    const second = await client.send({ token: OTHER.toUpperCase(), payload: { aps: { 'content-available': 1 } }, pushType: 'background', priority: 5, expiration: 0 });
    expect(first.status).toBe(200);
    expect(first.apnsId).toMatch(UUID);
    expect(second.status).toBe(200);
    const { notifications } = await client.notifications();
    expect(notifications.map((n) => [n.apnsId, n.token, n.pushType, n.priority, n.collapseId, n.expiration])).toEqual([
      [first.apnsId, TOKEN, 'alert', 10, null, null],
      [second.apnsId, OTHER, 'background', 5, null, 0],
    ]);
    expect((await client.notifications({ token: OTHER })).notifications).toHaveLength(1);
    expect(vendor.apns.notifications().count).toBe(2);
  });

  it('sends to several devices at once over one HTTP/2 connection', async () => {
    const tokens = Array.from({ length: 20 }, (_, i) => i.toString(16).padStart(2, '0').repeat(32));
    const results = await Promise.all(tokens.map((token) => client.send({ token, payload: ALERT })));
    expect(results.map((r) => r.status)).toEqual(tokens.map(() => 200));
    expect(new Set(results.map((r) => r.apnsId)).size).toBe(20);
    expect((await client.notifications()).count).toBe(20);
  });

  it('accepts a VoIP payload up to 5 KiB on the .voip topic, and 4 KiB for any other', async () => {
    const payload = (size: number) => {
      const base = JSON.stringify({ aps: {}, pad: '' });
      return { aps: {}, pad: 'x'.repeat(size - base.length) };
    };
    expect((await client.send({ token: TOKEN, payload: payload(4096) })).status).toBe(200);
    expect((await client.send({ token: TOKEN, payload: payload(4097) })).reason).toBe('PayloadTooLarge');
    const voip = { topic: `${APNS_SANDBOX_BUNDLE_ID}.voip`, pushType: 'voip' };
    expect((await client.send({ token: TOKEN, payload: payload(5120), ...voip })).status).toBe(200);
    expect((await client.send({ token: TOKEN, payload: payload(5121), ...voip })).status).toBe(413);
  });
});

describe('refusals, as APNs answers them', () => {
  const cases: Array<[string, Partial<ApnsSendInput>, number, string]> = [
    ['a token that is not 64 hex characters', { token: 'not-a-token' }, 400, 'BadDeviceToken'],
    ['a 63-character token', { token: 'a'.repeat(63) }, 400, 'BadDeviceToken'],
    ['no token at all', { token: '' }, 400, 'MissingDeviceToken'],
    ['no apns-topic', { topic: null }, 400, 'MissingTopic'],
    ['an empty apns-topic', { topic: '' }, 400, 'MissingTopic'],
    ['a topic of another app', { topic: 'com.example.other' }, 400, 'BadTopic'],
    ['apns-priority 7', { priority: 7 }, 400, 'BadPriority'],
    ['apns-priority high', { priority: 'high' }, 400, 'BadPriority'],
    ['priority 10 for a background push', { pushType: 'background', priority: 10 }, 400, 'BadPriority'],
    ['apns-expiration in ms as a date string', { expiration: '2030-01-01' }, 400, 'BadExpirationDate'],
    ['a negative apns-expiration', { expiration: -1 }, 400, 'BadExpirationDate'],
    ['a collapse id over 64 bytes', { collapseId: 'c'.repeat(65) }, 400, 'BadCollapseId'],
    ['a collapse id over 64 bytes in UTF-8 (33 two-byte characters)', { collapseId: 'é'.repeat(33) }, 400, 'BadCollapseId'],
    ['an apns-id that is not a UUID', { apnsId: 'order-1' }, 400, 'BadMessageId'],
    ['an unknown push type', { pushType: 'banner' }, 400, 'InvalidPushType'],
    ['an empty body', { payload: undefined }, 400, 'PayloadEmpty'],
    ['a blank body', { rawBody: '   ' }, 400, 'PayloadEmpty'],
    ['a body that is not JSON', { rawBody: '{"aps": {' }, 400, 'PayloadEmpty'],
    ['JSON without an aps dictionary', { payload: { alert: 'hi' } }, 400, 'PayloadEmpty'],
    ['a JSON array', { payload: [{ aps: {} }] }, 400, 'PayloadEmpty'],
    ['a payload over 4096 bytes', { rawBody: JSON.stringify({ aps: {}, pad: 'x'.repeat(5000) }) }, 413, 'PayloadTooLarge'],
    ['a payload of a megabyte', { rawBody: Buffer.alloc(1024 * 1024, 0x20) }, 413, 'PayloadTooLarge'],
  ];
  it.each(cases)('%s', async (_what, change, status, reason) => {
    const result = await client.send({ token: TOKEN, payload: ALERT, ...change });
    expect({ status: result.status, reason: result.reason, timestamp: result.timestamp }).toEqual({ status, reason, timestamp: null });
    expect(result.apnsId).toMatch(UUID);
    expect((await client.notifications()).count).toBe(0);
  });

  it('a collapse id of exactly 64 bytes passes', async () => {
    expect((await client.send({ token: TOKEN, payload: ALERT, collapseId: 'c'.repeat(64) })).status).toBe(200);
  });

  it('answers 404 BadPath and 405 MethodNotAllowed, counted as calls', async () => {
    expect(await client.request('POST', '/3/devices/x', { body: '{}' })).toMatchObject({ status: 404, body: '{"reason":"BadPath"}' });
    expect(await client.request('POST', `/3/device/${TOKEN}/extra`, { body: '{}' })).toMatchObject({ status: 404 });
    expect(await client.request('GET', `/3/device/${TOKEN}`)).toMatchObject({ status: 405, body: '{"reason":"MethodNotAllowed"}' });
    expect(vendor.control.stats().total).toBe(3);
  });

  it('sends to an unregistered device → 410 Unregistered with the time it became invalid', async () => {
    expect((await client.send({ token: TOKEN, payload: ALERT })).status).toBe(200);
    const { timestamp } = await client.unregister(TOKEN.toUpperCase());
    const gone = await client.send({ token: TOKEN, payload: ALERT });
    expect(gone).toMatchObject({ status: 410, reason: 'Unregistered', timestamp });
    const raw = await client.request('POST', `/3/device/${TOKEN}`, { headers: await client.authHeaders(), body: JSON.stringify(ALERT) });
    expect(JSON.parse(raw.body)).toEqual({
      reason: 'Unregistered',
      timestamp,
    });
    // Unregistering again keeps the first time; other devices still receive.
    expect((await client.unregister(TOKEN, 1)).timestamp).toBe(timestamp);
    expect((await client.send({ token: OTHER, payload: ALERT })).status).toBe(200);
    expect((await client.notifications()).notifications.map((n) => n.token)).toEqual([TOKEN, OTHER]);
    expect(await client.unregisteredDevices()).toEqual({ unregistered: [{ token: TOKEN, timestamp }] });
  });

  it('an invalid request to an unregistered device is refused for what is wrong with it first', async () => {
    vendor.apns.unregister(TOKEN, 1_700_000_000_000);
    expect((await client.send({ token: TOKEN, payload: ALERT, priority: 3 })).reason).toBe('BadPriority');
    expect(await client.send({ token: TOKEN, payload: ALERT })).toMatchObject({ status: 410, timestamp: 1_700_000_000_000 });
  });

  it('refuses a bad unregister request listing the problems', async () => {
    await expect(client.unregister('xyz')).rejects.toMatchObject({ status: 400, body: { error: { type: 'invalid_request' } } });
  });
});

describe('control surface', () => {
  it('answers over HTTP/1.1 too (curl, the benchmarks), while the API itself is HTTP/2 only', async () => {
    expect(await (await fetch(`${vendor.url}/__sandbox/health`)).json()).toEqual({ status: 'ok', vendor: 'apns' });
    const put = await fetch(`${vendor.url}/__sandbox/faults`, { method: 'PUT', body: JSON.stringify({ latencyMs: 1 }) });
    expect(((await put.json()) as { latencyMs: number }).latencyMs).toBe(1);
    expect((await fetch(`${vendor.url}/__sandbox/stats`)).status).toBe(200);
    expect((await fetch(`${vendor.url}/__sandbox/notifications`)).status).toBe(200);
    const api = await fetch(`${vendor.url}/3/device/${TOKEN}`, { method: 'POST', body: JSON.stringify(ALERT) });
    expect(api.status).toBe(505);
    await api.text();
    expect(vendor.control.stats().total).toBe(0);
  });

  it('answers the shared endpoints over HTTP/2, with the shared validation', async () => {
    expect(await client.health()).toEqual({ status: 'ok', vendor: 'apns' });
    await expect(client.setFaults({ errorRate: 2 } as never)).rejects.toMatchObject({ status: 400 });
    expect((await client.setFaults({ latencyMs: 2 })).latencyMs).toBe(2);
    expect((await client.resetFaults()).latencyMs).toBe(0);
    await client.send({ token: TOKEN, payload: ALERT });
    expect((await client.stats()).total).toBe(1);
    expect((await client.resetStats()).total).toBe(0);
    expect((await client.notifications()).count).toBe(0);
    expect((await client.request('GET', '/__sandbox/nope')).status).toBe(404);
  });

  it('clears the notification log', async () => {
    await client.send({ token: TOKEN, payload: ALERT });
    expect(await client.clearNotifications()).toEqual({ count: 0, notifications: [] });
    expect(vendor.control.stats().total).toBe(1);
  });

  it('offers authHeaders: a provider token signed with the fixture key and the default topic', async () => {
    const headers = vendor.authHeaders;
    expect(headers['apns-topic']).toBe(APNS_SANDBOX_BUNDLE_ID);
    // A connection of its own: switching tokens on one connection within 20 minutes is refused.
    const other = new ApnsClient(vendor.url);
    try {
      expect((await other.request('POST', `/3/device/${TOKEN}`, { headers, body: JSON.stringify(ALERT) })).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
