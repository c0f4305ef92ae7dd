import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceEvent } from '../../platform/events/ServiceEvent.js';
import { SANDBOX_EVENTS_SECRET } from '../../platform/registry/services.js';
import { startEventReceiver, type EventReceiver } from '../harness/startEventReceiver.js';

const MAX_BODY = 4096;

function event(overrides: Partial<ServiceEvent> = {}): ServiceEvent {
  return {
    id: `order:ord_${randomBytes(6).toString('hex')}:PAID`,
    type: 'order.paid',
    occurredAt: new Date().toISOString(),
    data: { orderId: 'ord_1', userId: 'user_1', status: 'PAID' },
    ...overrides,
  };
}

function signedHeaders(id: string, body: string, options: { secret?: string; at?: Date } = {}): Record<string, string> {
  const at = options.at ?? new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.secret ?? SANDBOX_EVENTS_SECRET).sign(id, at, body),
  };
}

async function post(url: string, body: string, headers: Record<string, string>, method = 'POST'): Promise<{ status: number; json: unknown; retryAfter: string | null }> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, ...(method === 'POST' ? { body } : {}) });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: res.status, json, retryAfter: res.headers.get('retry-after') };
}

describe('createEventRoute over loopback: a consumer stores a signed service event once, refuses anything else', () => {
  let receiver: EventReceiver;
  beforeAll(async () => {
    receiver = await startEventReceiver({ maxBodyBytes: MAX_BODY });
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.storeDown(false);
    receiver.ready(true);
  });

  it('accepts a signed event, then acknowledges the same event again as a duplicate without storing it twice', async () => {
    const e = event();
    const body = JSON.stringify(e);
    const first = await post(receiver.url, body, signedHeaders(e.id, body));
    expect(first).toMatchObject({ status: 200, json: { received: true, duplicate: false } });
    // A redelivery is signed afresh (another timestamp), as an outbox's retry would be.
    const second = await post(receiver.url, body, signedHeaders(e.id, body, { at: new Date(Date.now() - 1000) }));
    expect(second).toMatchObject({ status: 200, json: { received: true, duplicate: true } });
    expect(receiver.events.filter((s) => s.id === e.id)).toEqual([e]);
  });

  const refusals: [string, () => { body: string; headers: Record<string, string>; id: string }, number, string][] = [
    ['a tampered body', () => {
      const e = event();
      const body = JSON.stringify(e);
      return { id: e.id, body: body.replace('user_1', 'user_2'), headers: signedHeaders(e.id, body) };
    }, 400, 'bad_signature'],
    ['another secret', () => {
      const e = event();
      const body = JSON.stringify(e);
      return { id: e.id, body, headers: signedHeaders(e.id, body, { secret: `whsec_${randomBytes(32).toString('base64')}` }) };
    }, 400, 'bad_signature'],
    ['a stale timestamp', () => {
      const e = event();
      const body = JSON.stringify(e);
      return { id: e.id, body, headers: signedHeaders(e.id, body, { at: new Date(Date.now() - 10 * 60_000) }) };
    }, 400, 'stale_timestamp'],
    ['missing headers', () => {
      const e = event();
      const body = JSON.stringify(e);
      const { 'webhook-signature': _dropped, ...headers } = signedHeaders(e.id, body);
      return { id: e.id, body, headers };
    }, 400, 'missing_headers'],
    ['a body over the cap', () => {
      const e = event({ data: { orderId: 'ord_1', note: 'x'.repeat(200) } });
      const body = JSON.stringify({ ...e, padding: 'y'.repeat(MAX_BODY) });
      return { id: e.id, body, headers: signedHeaders(e.id, body) };
    }, 413, 'payload_too_large'],
    ['a body that is not JSON', () => {
      const id = `order:ord_${randomBytes(6).toString('hex')}:PAID`;
      const body = `{"id":"${id}",`;
      return { id, body, headers: signedHeaders(id, body) };
    }, 400, 'invalid_json'],
    ['JSON that is not a service event', () => {
      const id = `order:ord_${randomBytes(6).toString('hex')}:PAID`;
      const body = JSON.stringify({ id, type: 'order.paid', data: { orderId: 'ord_1' } });
      return { id, body, headers: signedHeaders(id, body) };
    }, 400, 'invalid_event'],
    ['a webhook-id other than the event id', () => {
      const e = event();
      const body = JSON.stringify(e);
      return { id: e.id, body, headers: signedHeaders(`${e.id}x`, body) };
    }, 400, 'invalid_event'],
  ];

  it.each(refusals)('refuses %s and stores nothing', async (_name, make, status, code) => {
    const { id, body, headers } = make();
    const answer = await post(receiver.url, body, headers);
    expect(answer).toMatchObject({ status, json: { error: { code } } });
    expect(receiver.events.some((e) => e.id === id || e.id === `${id}x`)).toBe(false);
  });

  it('answers 405 to anything but POST', async () => {
    const answer = await post(receiver.url, '', {}, 'GET');
    expect(answer).toMatchObject({ status: 405, json: { error: { code: 'method_not_allowed' } } });
  });

  it('answers 503 with Retry-After while the store is down or the service not ready, stores nothing, and takes the retry', async () => {
    const e = event();
    const body = JSON.stringify(e);
    receiver.storeDown(true);
    expect(await post(receiver.url, body, signedHeaders(e.id, body))).toMatchObject({ status: 503, json: { error: { code: 'store_unavailable' } }, retryAfter: '5' });
    receiver.storeDown(false);
    receiver.ready(false);
    expect(await post(receiver.url, body, signedHeaders(e.id, body))).toMatchObject({ status: 503, json: { error: { code: 'not_ready' } }, retryAfter: '1' });
    expect(receiver.events.some((s) => s.id === e.id)).toBe(false);
    receiver.ready(true);
    expect(await post(receiver.url, body, signedHeaders(e.id, body))).toMatchObject({ status: 200, json: { duplicate: false } });
    expect(receiver.events.filter((s) => s.id === e.id)).toHaveLength(1);
  });
});
