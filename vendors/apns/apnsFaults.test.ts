import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApnsClient } from './apnsClient.js';
import { createApnsVendor, type RunningApnsVendor } from './createApnsVendor.js';

const TOKEN = '01'.repeat(32);
const OTHER = '02'.repeat(32);
const PAYLOAD = { aps: { alert: { title: 'Reply', body: 'Someone replied to your review' } } };

let vendor: RunningApnsVendor;
let client: ApnsClient;

const send = (token = TOKEN) => client.send({ token, payload: PAYLOAD });
const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

beforeAll(async () => {
  vendor = await createApnsVendor({ apiKey: 'sandbox-apns-key' });
  client = new ApnsClient(vendor.url);
});
afterAll(async () => {
  await client.close();
  await vendor.close();
});
beforeEach(() => {
  vendor.control.resetFaults();
  vendor.control.resetStats();
});

describe('faults', () => {
  it('outage → 503 ServiceUnavailable, recorded, nothing accepted', async () => {
    await client.setFaults({ outage: true });
    expect(await send()).toMatchObject({ status: 503, reason: 'ServiceUnavailable' });
    expect(vendor.control.stats().calls.map((c) => c.status)).toEqual([503]);
    expect(vendor.apns.notifications().count).toBe(0);
  });

  it('rate limit → 429 TooManyRequests per device token, with no Retry-After (APNs sends none)', async () => {
    vendor.control.setFaults({ rateLimit: { limit: 2, windowMs: 60_000 } });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    const limited = await send();
    expect(limited).toMatchObject({ status: 429, reason: 'TooManyRequests' });
    expect(limited.headers['retry-after']).toBeUndefined();
    expect((await send(OTHER)).status).toBe(200);
  });

  it('errorRate 1 → 500 InternalServerError', async () => {
    vendor.control.setFaults({ errorRate: 1 });
    expect(await send()).toMatchObject({ status: 500, reason: 'InternalServerError' });
  });

  it('latency still answers (no timing asserted)', async () => {
    vendor.control.setFaults({ latencyMs: 5, jitterMs: 5 });
    expect((await send()).status).toBe(200);
  });

  it('plays a script first: APNs-shaped bodies by default, given bodies and Retry-After as scripted, then back to normal', async () => {
    vendor.control.setFaults({ script: [{ status: 503 }, { status: 429, retryAfterS: 2 }, { status: 410 }, { status: 400, body: { reason: 'DeviceTokenNotForTopic' } }, { status: 200 }] });
    expect(await send()).toMatchObject({ status: 503, reason: 'ServiceUnavailable' });
    const limited = await send();
    expect(limited).toMatchObject({ status: 429, reason: 'TooManyRequests' });
    expect(limited.headers['retry-after']).toBe('2');
    expect(await send()).toMatchObject({ status: 410, reason: 'Unregistered', timestamp: expect.any(Number) });
    expect(await send()).toMatchObject({ status: 400, reason: 'DeviceTokenNotForTopic' });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    expect(vendor.apns.notifications().count).toBe(2);
  });

  it('a request with a bad provider token is refused before any fault', async () => {
    vendor.control.setFaults({ outage: true });
    expect((await client.send({ token: TOKEN, payload: PAYLOAD, providerToken: null })).reason).toBe('MissingProviderToken');
  });
});

describe('hang and close', () => {
  it('hang leaves the stream unanswered until the client gives up; the vendor still answers others afterwards', async () => {
    const impatient = new ApnsClient(vendor.url, { timeoutMs: 50 });
    try {
      vendor.control.setFaults({ hang: true });
      await expect(impatient.send({ token: TOKEN, payload: PAYLOAD })).rejects.toThrow(/no answer within 50 ms/);
      expect(vendor.control.stats().calls.map((c) => c.status)).toEqual([0]);
      vendor.control.resetFaults();
      expect((await impatient.send({ token: TOKEN, payload: PAYLOAD })).status).toBe(200);
    } finally {
      await impatient.close();
    }
  });

  it('close() ends hung streams, destroys every session and socket, and leaves nothing running', async () => {
    const own = await createApnsVendor({ apiKey: 'sandbox-apns-key', defaultFaults: { hang: true } });
    const a = new ApnsClient(own.url);
    const b = new ApnsClient(own.url);
    const hung = [a, a, b].map((c) => c.send({ token: TOKEN, payload: PAYLOAD }));
    // An HTTP/1.1 keep-alive connection to the control surface too.
    expect((await fetch(`${own.url}/__sandbox/health`)).status).toBe(200);
    while (own.control.stats().total < 3) await new Promise((resolve) => setImmediate(resolve));
    expect(own.apns.openHandles()).toBeGreaterThanOrEqual(3);

    await own.close();
    for (const result of await Promise.allSettled(hung)) expect(result.status).toBe('rejected');
    expect(own.apns.openHandles()).toBe(0);
    expect(await refused(own.port)).toBe(true);
    await own.close(); // idempotent
    await Promise.all([a.close(), b.close()]);
  });

  it('close() during latency drops the answer instead of writing to a dead stream', async () => {
    const own = await createApnsVendor({ apiKey: 'sandbox-apns-key', latencyMs: 60_000 });
    const c = new ApnsClient(own.url);
    const pending = c.send({ token: TOKEN, payload: PAYLOAD });
    while (own.control.stats().total < 1) await new Promise((resolve) => setImmediate(resolve));
    await own.close();
    await expect(pending).rejects.toThrow();
    expect(own.apns.openHandles()).toBe(0);
    await c.close();
  });
});
