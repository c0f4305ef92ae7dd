/**
 * APNs' error reasons (Apple's "Handling notification responses from APNs"), each with the
 * status APNs answers it with. An error body is `{ reason }`, plus `timestamp` (ms) for 410.
 */
export const APNS_REASONS = {
  BadCollapseId: 400,
  BadDeviceToken: 400,
  BadExpirationDate: 400,
  BadMessageId: 400,
  BadPriority: 400,
  BadTopic: 400,
  DeviceTokenNotForTopic: 400,
  InvalidPushType: 400,
  MissingDeviceToken: 400,
  MissingTopic: 400,
  PayloadEmpty: 400,
  TopicDisallowed: 400,
  ExpiredProviderToken: 403,
  Forbidden: 403,
  InvalidProviderToken: 403,
  MissingProviderToken: 403,
  BadPath: 404,
  MethodNotAllowed: 405,
  Unregistered: 410,
  PayloadTooLarge: 413,
  TooManyProviderTokenUpdates: 429,
  TooManyRequests: 429,
  InternalServerError: 500,
  ServiceUnavailable: 503,
} as const;

export type ApnsReason = keyof typeof APNS_REASONS;

/** What APNs sends for a refusal: its status and JSON body. */
export interface ApnsRefusal {
  status: number;
  body: { reason: string; timestamp?: number };
}

export function refusal(reason: ApnsReason, timestamp?: number): ApnsRefusal {
  return { status: APNS_REASONS[reason], body: timestamp === undefined ? { reason } : { reason, timestamp } };
}

/** The reason a scripted answer without a body carries, by status. */
export function reasonForStatus(status: number): string {
  const byStatus: Record<number, ApnsReason> = {
    400: 'BadDeviceToken',
    403: 'Forbidden',
    404: 'BadPath',
    405: 'MethodNotAllowed',
    410: 'Unregistered',
    413: 'PayloadTooLarge',
    429: 'TooManyRequests',
    503: 'ServiceUnavailable',
  };
  return byStatus[status] ?? 'InternalServerError';
}
