import type { DevicePlatform } from './push/PushSender.js';

export type { DevicePlatform };

export const NOTIFICATION_CATEGORIES = ['ORDER_UPDATES', 'REVIEW_ACTIVITY'] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

/** A registered phone. `token` never leaves the service: the API shows `id` (see deviceId). */
export interface Device {
  readonly token: string;
  readonly platform: DevicePlatform;
  readonly userId: string;
  readonly locale: string;
  readonly appVersion: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
}

/** One entry of a user's inbox: what was pushed (or would have been, with no device). */
export interface Notification {
  readonly id: string;
  readonly userId: string;
  readonly eventId: string;
  readonly category: NotificationCategory;
  readonly title: string;
  readonly body: string;
  /** The ids the app follows (`orderId` or `productId`, and `kind`): the push's own data. */
  readonly data: Readonly<Record<string, string>>;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

/** `ntf_` + 20 of [a-z0-9], as made by NotificationStore. */
export const NOTIFICATION_ID = /^ntf_[a-z0-9]{20}$/;
