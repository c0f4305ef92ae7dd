import type { CallContext } from '../../kit/vendor/VendorClient.js';

export type DevicePlatform = 'IOS' | 'ANDROID';

/** One push, already rendered for the device's locale. Lock-screen safe: no personal data (see renderMessage). */
export interface PushMessage {
  readonly title: string;
  readonly body: string;
  /** One visible notification per subject: a newer push with the same id replaces the older (apns-collapse-id, FCM collapse_key / tag). ≤ 64 bytes. */
  readonly collapseId: string;
  /** For the app to fetch details through the graph: ids and kinds only, e.g. { kind: 'order', orderId }. */
  readonly data: Readonly<Record<string, string>>;
  /** After this the push services drop it undelivered (apns-expiration, FCM ttl). */
  readonly expiresAt: Date;
  readonly priority: 'high' | 'normal';
}

/**
 * What became of one send. `unregistered` and `invalid_token`: the token is dead, remove it
 * (`since`: when it stopped being valid, when the push service says: APNs' 410 timestamp; a
 * registration after that is of a valid token again).
 * `retry`: not delivered now (429, UNAVAILABLE, 5xx, timeout, breaker open); try again later,
 * not before `afterMs` when the vendor said so. `rejected`: our request was wrong (4xx other
 * than the token's): never retried, logged.
 */
export type PushOutcome =
  | { readonly kind: 'sent'; readonly messageId?: string }
  | { readonly kind: 'unregistered'; readonly since?: Date }
  | { readonly kind: 'invalid_token' }
  | { readonly kind: 'retry'; readonly reason: string; readonly afterMs?: number }
  | { readonly kind: 'rejected'; readonly reason: string };

/** Sends pushes through the platform's push service (FCM for Android, APNs for iOS), through the kit. */
export interface PushSender {
  send(device: { readonly platform: DevicePlatform; readonly token: string }, message: PushMessage, call: CallContext): Promise<PushOutcome>;
  close(): Promise<void>;
}
