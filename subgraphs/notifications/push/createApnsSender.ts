import { createVendorClient } from '../../kit/vendor/createVendorClient.js';
import type { VendorClientOptions } from '../../kit/vendor/VendorClientOptions.js';
import { apnsOutcome, apnsReason } from './apnsOutcome.js';
import type { ApnsProviderTokens } from './createApnsProviderTokens.js';
import type { PushChannel } from './PushChannel.js';
import type { PushMessage } from './PushSender.js';

interface ApnsSend {
  readonly token: string;
  readonly message: PushMessage;
}

/** 4xx APNs answers a push it will not deliver with, beyond 400: refusals, not faults. */
const APNS_REFUSALS = [405, 410, 413] as const;
const TOKEN_REFUSED = new Set(['ExpiredProviderToken', 'InvalidProviderToken']);

/** The APNs headers of an alert push. */
export function apnsHeaders(message: PushMessage, topic: string): Record<string, string> {
  return {
    'apns-topic': topic,
    'apns-push-type': 'alert',
    // 10: at once (wakes the device); 5: when convenient for its battery.
    'apns-priority': message.priority === 'high' ? '10' : '5',
    'apns-collapse-id': message.collapseId,
    // 0 would mean "now or never": an expired message keeps 0, never a date in the past.
    'apns-expiration': String(Math.max(0, Math.floor(message.expiresAt.getTime() / 1000))),
  };
}

/** The payload: the app's data at the top level, next to (never inside) `aps`, which is Apple's. */
export function apnsPayload(message: PushMessage): Record<string, unknown> {
  const data = Object.fromEntries(Object.entries(message.data).filter(([k]) => k !== 'aps'));
  return { ...data, aps: { alert: { title: message.title, body: message.body }, sound: 'default' } };
}

/**
 * iOS pushes through APNs over HTTP/2 (Apple accepts nothing else), over the kit: the provider
 * token source authenticates, APNs' 403 ExpiredProviderToken / InvalidProviderToken makes the
 * kit ask for a fresh token and send once more.
 */
export function createApnsSender(options: {
  topic: string;
  tokens: ApnsProviderTokens;
  /** Base URL, deadline, breaker, retry; `auth` and `http2` are set here. */
  client: Omit<VendorClientOptions, 'auth' | 'name' | 'http2'>;
}): PushChannel {
  const api = createVendorClient({ ...options.client, name: 'apns', http2: true, auth: { kind: 'token', token: options.tokens.token, rejected: options.tokens.rejected } });
  const send = api.operation<ApnsSend, string | undefined>({
    name: 'device.send',
    // Retried on 429 and 5xx like FCM's sends (see createFcmSender): a duplicate after a broken
    // connection carries the same apns-collapse-id, so the phone shows one notification.
    idempotent: true,
    clientErrors: APNS_REFUSALS,
    tokenRefused: (err) => err.status === 403 && TOKEN_REFUSED.has(apnsReason(err) ?? ''),
    // Success is 200 with an empty body; the id is in the `apns-id` header.
    emptyBody: 'allowed',
    request: ({ token, message }) => ({
      method: 'POST',
      path: `/3/device/${encodeURIComponent(token)}`,
      headers: apnsHeaders(message, options.topic),
      body: apnsPayload(message),
    }),
    parse: (_json, _status, _input, headers) => {
      const id = headers['apns-id'];
      return typeof id === 'string' ? id.slice(0, 64) : undefined;
    },
  });

  return {
    async send(token, message, call) {
      try {
        const messageId = await send.call({ token, message }, call);
        return messageId === undefined ? { kind: 'sent' } : { kind: 'sent', messageId };
      } catch (err) {
        return apnsOutcome(err);
      }
    },
    close: () => api.close(),
  };
}
