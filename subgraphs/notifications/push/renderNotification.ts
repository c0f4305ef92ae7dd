import { createHash } from 'node:crypto';
import type { ServiceEvent } from '../../../platform/events/ServiceEvent.js';
import { NOTIFICATION_TEXTS, pickLocale, type NotificationKind } from './notificationTexts.js';
import type { PushMessage } from './PushSender.js';

/** A notification rendered for one locale, before it gets a delivery deadline (`toPushMessage`). */
export interface RenderedNotification {
  /** The user's preference that governs it. */
  readonly category: 'ORDER_UPDATES' | 'REVIEW_ACTIVITY';
  readonly title: string;
  readonly body: string;
  /** One visible notification per subject: `order-<orderId>`, `product-reviews-<productId>`. ≤ 64 bytes. */
  readonly collapseId: string;
  /** Kind and ids only, for the app to fetch the rest through the graph. */
  readonly data: Record<string, string>;
  readonly priority: 'high' | 'normal';
  /** After this long the push services drop it undelivered. */
  readonly ttlSeconds: number;
}

/** Ids as producers make them; anything else is not put in a header (apns-collapse-id) or a payload. */
const ID = /^[A-Za-z0-9_-]{1,128}$/;
/** APNs' limit on apns-collapse-id (bytes); FCM's collapse key is looser. */
const MAX_COLLAPSE_ID_BYTES = 64;
/** Characters of the order id shown on the lock screen: enough to tell two orders apart, too few to look one up. */
export const ORDER_REFERENCE_LENGTH = 6;
const DAY_S = 86_400;

interface Rule {
  readonly category: RenderedNotification['category'];
  readonly priority: RenderedNotification['priority'];
  readonly ttlSeconds: number;
  /** The event's subject id (`orderId`, `productId`), or null when the event does not carry a usable one. */
  subject(data: ServiceEvent['data']): { readonly kind: 'order' | 'product'; readonly key: 'orderId' | 'productId'; readonly id: string } | null;
}

const idOf = (data: ServiceEvent['data'], key: string): string | null => {
  const value = data[key];
  return typeof value === 'string' && ID.test(value) ? value : null;
};
const order = (data: ServiceEvent['data']) => {
  const id = idOf(data, 'orderId');
  return id === null ? null : ({ kind: 'order', key: 'orderId', id } as const);
};

// Payment outcomes are urgent (the user may be waiting at checkout) and stale after a day; a
// refund and a review can wait for the phone's convenience, and a review is still news for 3 days.
const RULES: Readonly<Record<NotificationKind, Rule>> = {
  'order.paid': { category: 'ORDER_UPDATES', priority: 'high', ttlSeconds: DAY_S, subject: order },
  'order.payment_failed': { category: 'ORDER_UPDATES', priority: 'high', ttlSeconds: DAY_S, subject: order },
  'order.refunded': { category: 'ORDER_UPDATES', priority: 'normal', ttlSeconds: 3 * DAY_S, subject: order },
  'review.created': {
    category: 'REVIEW_ACTIVITY',
    priority: 'normal',
    ttlSeconds: 3 * DAY_S,
    subject: (data) => {
      const id = idOf(data, 'productId');
      return id === null ? null : ({ kind: 'product', key: 'productId', id } as const);
    },
  },
};

/** `prefix` + id, or + a digest of it when that would pass APNs' 64 bytes (one subject still gives one id). */
function collapseIdFor(prefix: string, id: string): string {
  const plain = `${prefix}${id}`;
  if (Buffer.byteLength(plain) <= MAX_COLLAPSE_ID_BYTES) return plain;
  return `${prefix}${createHash('sha256').update(id).digest('hex').slice(0, MAX_COLLAPSE_ID_BYTES - prefix.length)}`;
}

/**
 * The push an event becomes, in the device's locale (exact tag, then its language, then English),
 * or null for an event type that is not notified (or one without a usable subject id). The text
 * carries no personal data: not the user, the author, an amount or an item; at most the last 6
 * characters of the order id. Who receives it (the order's owner, the product's reviewers) is the
 * caller's business; `userId`/`authorId` never reach the payload.
 */
export function renderNotification(event: ServiceEvent, locale: string): RenderedNotification | null {
  if (!Object.hasOwn(RULES, event.type)) return null;
  const kind = event.type as NotificationKind;
  const rule = RULES[kind];
  const subject = rule.subject(event.data);
  if (subject === null) return null;
  const text = NOTIFICATION_TEXTS[kind][pickLocale(locale)];
  const ref = subject.id.slice(-ORDER_REFERENCE_LENGTH);
  return {
    category: rule.category,
    title: text.title,
    body: text.body.replace('{ref}', ref),
    collapseId: collapseIdFor(subject.kind === 'order' ? 'order-' : 'product-reviews-', subject.id),
    data: { kind: subject.kind, [subject.key]: subject.id },
    priority: rule.priority,
    ttlSeconds: rule.ttlSeconds,
  };
}

/** The message to send: the rendered notification with its delivery deadline counted from `now` (epoch ms or a Date). */
export function toPushMessage(rendered: RenderedNotification, now: number | Date): PushMessage {
  const at = typeof now === 'number' ? now : now.getTime();
  return {
    title: rendered.title,
    body: rendered.body,
    collapseId: rendered.collapseId,
    data: { ...rendered.data },
    expiresAt: new Date(at + rendered.ttlSeconds * 1000),
    priority: rendered.priority,
  };
}
