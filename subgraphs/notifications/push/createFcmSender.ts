import { createVendorClient } from '../../kit/vendor/createVendorClient.js';
import type { VendorClientOptions } from '../../kit/vendor/VendorClientOptions.js';
import { createFcmAccessTokens, type FcmAccessTokens } from './createFcmAccessTokens.js';
import { fcmOutcome } from './fcmOutcome.js';
import type { ServiceAccount } from './loadServiceAccount.js';
import type { PushChannel } from './PushChannel.js';
import type { PushMessage } from './PushSender.js';

/** FCM's longest time to live: 4 weeks (s). */
const MAX_TTL_S = 2_419_200;

interface FcmSend {
  readonly token: string;
  readonly message: PushMessage;
}

/** Seconds left to deliver in, as FCM's Duration (`'3600s'`); 0 = now or never. */
export function fcmTtl(expiresAt: Date, now: number): string {
  return `${Math.min(MAX_TTL_S, Math.max(0, Math.ceil((expiresAt.getTime() - now) / 1000)))}s`;
}

/**
 * The FCM HTTP v1 message. `collapse_key` and the notification's `tag` both carry the collapse id:
 * the first keeps one pending message per subject while the phone is offline, the second replaces
 * the one already on screen.
 */
export function toFcmMessage(token: string, message: PushMessage, now: number) {
  return {
    message: {
      token,
      notification: { title: message.title, body: message.body },
      data: { ...message.data },
      android: {
        collapse_key: message.collapseId,
        priority: message.priority === 'high' ? 'HIGH' : 'NORMAL',
        ttl: fcmTtl(message.expiresAt, now),
        notification: { tag: message.collapseId },
      },
    },
  };
}

export interface FcmChannel extends PushChannel {
  readonly tokens: FcmAccessTokens;
}

/**
 * Android pushes through FCM HTTP v1, over the kit: one vendor client for the API (deadline,
 * breaker, retries; auth from the access-token source) and one for the token endpoint (its own
 * origin at Google).
 */
export function createFcmSender(options: {
  account: ServiceAccount;
  tokenUrl: string;
  /** The API's client options (base URL, deadline, breaker, retry); `auth` is set here. */
  client: Omit<VendorClientOptions, 'auth' | 'name'>;
  now?: () => number;
}): FcmChannel {
  const now = options.now ?? Date.now;
  const tokenOrigin = new URL(options.tokenUrl).origin;
  const oauth = createVendorClient({ ...options.client, name: 'fcm-oauth', baseUrl: tokenOrigin, auth: { kind: 'none' }, connections: 2 });
  const tokens = createFcmAccessTokens({ account: options.account, tokenUrl: options.tokenUrl, client: oauth, now });
  const api = createVendorClient({ ...options.client, name: 'fcm', auth: { kind: 'token', token: tokens.token, rejected: tokens.rejected } });
  const project = encodeURIComponent(options.account.projectId);
  const send = api.operation<FcmSend, string | undefined>({
    name: 'messages.send',
    // Retried (429, UNAVAILABLE, 5xx, connection failures) within the deadline, the retry budget
    // and Retry-After like a read: a push that waits for the consumer's next round is late, and
    // a 429/503 was not delivered at all. The price: a retry after a connection that broke once
    // FCM had the message can deliver it twice. The collapse key makes the second replace the
    // first on the phone (the user sees one), which is why every message carries one.
    // (Timeouts are not retried inside a call by the kit.)
    idempotent: true,
    request: ({ token, message }) => ({ method: 'POST', path: `/v1/projects/${project}/messages:send`, body: toFcmMessage(token, message, now()) }),
    // `{ name: 'projects/…/messages/…' }`: the id is only for the logs, so an odd one is not a failure.
    parse: (json) => {
      const name = (json as { name?: unknown } | null)?.name;
      return typeof name === 'string' ? name.slice(0, 200) : undefined;
    },
  });

  return {
    tokens,
    async send(token, message, call) {
      try {
        const messageId = await send.call({ token, message }, call);
        return messageId === undefined ? { kind: 'sent' } : { kind: 'sent', messageId };
      } catch (err) {
        return fcmOutcome(err);
      }
    },
    async close() {
      await Promise.all([api.close(), oauth.close()]);
    },
  };
}
