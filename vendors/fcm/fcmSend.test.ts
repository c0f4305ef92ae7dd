import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { createFcmVendor, type RunningFcmVendor } from './createFcmVendor.js';
import {
  listMessages,
  moveDevice,
  newDeviceToken,
  obtainAccessToken,
  resetPushSandbox,
  sendMessage,
  setQuota,
  unregisterDevice,
  type FcmMessage,
} from './fcmClient.js';
import { fcmErrorBody, UNAVAILABLE_MESSAGE } from './fcmErrors.js';

const KEY = sandboxVendorEntry('fcm').defaultKey;
const PROJECT = 'sandbox-project';
const FCM_ERROR = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';
let vendor: RunningFcmVendor;
let accessToken: string;
beforeAll(async () => {
  vendor = await createFcmVendor({ apiKey: KEY });
  accessToken = (await obtainAccessToken(vendor.serviceAccount)).access_token;
});
afterAll(() => vendor.close());
beforeEach(() => resetPushSandbox(vendor.url));

const send = (message: FcmMessage, project = PROJECT) => sendMessage(vendor.url, accessToken, project, message);
const raw = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${vendor.url}/v1/projects/${PROJECT}/messages:send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', ...headers },
    body,
  });
const fcmError = (code: number, status: string, errorCode: string, message: string | RegExp) => ({
  error: {
    code,
    status,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
    details: expect.arrayContaining([{ '@type': FCM_ERROR, errorCode }]),
  },
});

describe('FCM sandbox: messages:send', () => {
  it('accepts a message, answers its name and records every field, in order', async () => {
    const token = newDeviceToken();
    expect(token).toHaveLength(163);
    const message: FcmMessage = {
      token,
      notification: { title: 'Order paid', body: 'Your order is on its way' },
      data: { orderId: 'ord_1', state: 'PAID' },
      android: { collapse_key: 'order-ord_1', priority: 'HIGH', ttl: '3600s', notification: { channel_id: 'orders' } },
      apns: { headers: { 'apns-collapse-id': 'order-ord_1' }, payload: { aps: { 'thread-id': 'orders' } } },
    };
    const first = await send(message);
    const second = await send({ token, data: { n: '2' } });
    expect(first).toEqual({ ok: true, name: expect.stringMatching(/^projects\/sandbox-project\/messages\/0:\d+%[0-9a-f]{16}$/) });
    const { count, messages } = await listMessages(vendor.url);
    expect(count).toBe(2);
    expect(messages[0]).toEqual({
      id: (first as { name: string }).name.split('/').pop(),
      name: (first as { name: string }).name,
      project: PROJECT,
      token,
      collapseKey: 'order-ord_1',
      priority: 'HIGH',
      ttl: '3600s',
      notification: message.notification,
      data: message.data,
      android: message.android,
      apns: message.apns,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(messages[1]).toMatchObject({ name: (second as { name: string }).name, collapseKey: null, priority: null, notification: null, data: { n: '2' } });
  });

  it('takes proto3 camelCase names too, and validate_only sends (and records) nothing', async () => {
    const res = await raw(JSON.stringify({ validateOnly: true, message: { token: newDeviceToken(), android: { collapseKey: 'k' } } }));
    expect(await res.json()).toEqual({ name: 'projects/sandbox-project/messages/fake_message_id' });
    expect((await send({ token: newDeviceToken(), android: { collapseKey: 'k' } } as unknown as FcmMessage)).ok).toBe(true);
    expect((await listMessages(vendor.url)).messages.map((m) => m.collapseKey)).toEqual(['k']);
  });

  it('answers UNREGISTERED (404) for a token the app no longer holds, and SENDER_ID_MISMATCH (403) for another project’s', async () => {
    const gone = newDeviceToken();
    expect((await send({ token: gone })).ok).toBe(true);
    await unregisterDevice(vendor.url, gone);
    const res = await raw(JSON.stringify({ message: { token: gone } }));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND', details: [{ '@type': FCM_ERROR, errorCode: 'UNREGISTERED' }] },
    });
    const foreign = newDeviceToken();
    await moveDevice(vendor.url, foreign, 'other-project');
    expect(await send({ token: foreign })).toMatchObject({ ok: false, status: 403, errorCode: 'SENDER_ID_MISMATCH', error: { status: 'PERMISSION_DENIED', message: 'SenderId mismatch' } });
    expect((await listMessages(vendor.url)).count).toBe(1);
  });

  it('refuses a send to a project the service account does not belong to (403 PERMISSION_DENIED)', async () => {
    const result = await send({ token: newDeviceToken() }, 'other-project');
    expect(result).toMatchObject({ ok: false, status: 403, errorCode: null, error: { code: 403, status: 'PERMISSION_DENIED' } });
  });

  it('answers 429 QUOTA_EXCEEDED with Retry-After past the project’s quota', async () => {
    await setQuota(vendor.url, { limit: 1, windowMs: 60_000 });
    expect((await send({ token: newDeviceToken() })).ok).toBe(true);
    const res = await raw(JSON.stringify({ message: { token: newDeviceToken() } }));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await res.json()).toEqual(fcmError(429, 'RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED', /^Quota exceeded/));
    await setQuota(vendor.url, null);
    expect((await send({ token: newDeviceToken() })).ok).toBe(true);
  });

  it('answers scripted FCM errors (503 UNAVAILABLE, 429 with Retry-After) and the sandbox’s outage', async () => {
    vendor.control.setFaults({
      script: [
        { status: 503, body: fcmErrorBody(503, 'UNAVAILABLE', UNAVAILABLE_MESSAGE) },
        { status: 429, retryAfterS: 7, body: fcmErrorBody(429, 'QUOTA_EXCEEDED', 'Quota exceeded.') },
      ],
    });
    expect(await send({ token: newDeviceToken() })).toEqual({
      ok: false,
      status: 503,
      errorCode: 'UNAVAILABLE',
      retryAfterS: null,
      error: { code: 503, status: 'UNAVAILABLE', message: 'The service is currently unavailable.', details: [{ '@type': FCM_ERROR, errorCode: 'UNAVAILABLE' }] },
    });
    expect(await send({ token: newDeviceToken() })).toMatchObject({ ok: false, status: 429, errorCode: 'QUOTA_EXCEEDED', retryAfterS: 7 });
    vendor.control.setFaults({ outage: true });
    const res = await raw(JSON.stringify({ message: { token: newDeviceToken() } }));
    expect(res.status).toBe(503);
    expect((await listMessages(vendor.url)).count).toBe(0);
    expect(vendor.control.stats().byRoute['POST /v1/projects/:project/messages:send']?.count).toBe(3);
  });

  it.each([
    ['no authorization', {}, 'CREDENTIALS_MISSING', /^Request is missing required authentication credential\./],
    ['an unknown token', { authorization: 'Bearer ya29.not-issued-here' }, 'ACCESS_TOKEN_TYPE_UNSUPPORTED', /^Request had invalid authentication credentials\./],
    ['the sandbox key', { authorization: `Bearer ${KEY}` }, 'ACCESS_TOKEN_TYPE_UNSUPPORTED', /^Request had invalid authentication credentials\./],
    ['another scheme', { authorization: 'Basic Zm9vOmJhcg==' }, 'ACCESS_TOKEN_TYPE_UNSUPPORTED', /^Request had invalid authentication credentials\./],
  ])('answers 401 UNAUTHENTICATED with %s', async (_label, headers, reason, message) => {
    const res = await fetch(`${vendor.url}/v1/projects/${PROJECT}/messages:send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ message: { token: newDeviceToken() } }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="https:\/\/accounts\.google\.com\/"/);
    expect(await res.json()).toEqual({
      error: { code: 401, status: 'UNAUTHENTICATED', message: expect.stringMatching(message), details: [expect.objectContaining({ reason, domain: 'googleapis.com' })] },
    });
  });
});

describe('FCM sandbox: malformed messages → 400 INVALID_ARGUMENT', () => {
  const token = 'c2FuZGJveC1kZXZpY2U:APA91b' + 'A'.repeat(140);
  it.each([
    ['not JSON', '{"message":', /^Invalid JSON payload received\./],
    ['an empty body', '', /^Invalid JSON payload received\. Request body is empty\.$/],
    ['no message', '{}', 'Request contains an invalid argument.'],
    ['an unknown field', JSON.stringify({ message: { token, colour: 'red' } }), 'Invalid JSON payload received. Unknown name "colour" at \'message\': Cannot find field.'],
    ['no target', JSON.stringify({ message: { data: { a: 'b' } } }), 'Recipient of the message is not set.'],
    ['a token of the wrong shape', JSON.stringify({ message: { token: 'short' } }), 'The registration token is not a valid FCM registration token'],
    ['a token with a space', JSON.stringify({ message: { token: `${token.slice(1)} ` } }), 'The registration token is not a valid FCM registration token'],
    ['a data value that is not a string', JSON.stringify({ message: { token, data: { a: 'b', count: 1 } } }), "Invalid value at 'message.data[1].value' (TYPE_STRING), 1"],
    ['an unknown priority', JSON.stringify({ message: { token, android: { priority: 'URGENT' } } }), /^Invalid value at 'message\.android\.priority'/],
    ['a TTL that is not a duration', JSON.stringify({ message: { token, android: { ttl: '1h' } } }), /^Invalid value at 'message\.android\.ttl'/],
    ['a payload over 4096 bytes', JSON.stringify({ message: { token, data: { blob: 'x'.repeat(4100) } } }), 'Android message is too big'],
    ['a notification over 4096 bytes', JSON.stringify({ message: { token, notification: { body: 'x'.repeat(4100) } } }), 'Android message is too big'],
  ])('refuses %s', async (_label, body, message) => {
    const res = await raw(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', message));
    expect((await listMessages(vendor.url)).count).toBe(0);
  });

  it('accepts a payload just under the limit', async () => {
    expect((await send({ token, data: { blob: 'x'.repeat(4000) } })).ok).toBe(true);
  });
});
