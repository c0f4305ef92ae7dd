import type { VendorError } from '../../kit/errors/VendorError.js';
import type { PushOutcome } from './PushSender.js';
import { transientOutcome } from './transientOutcome.js';

/** APNs' `{ reason }`, from the kit's logged copy of the body. */
export function apnsReason(err: VendorError): string | undefined {
  try {
    const reason = (JSON.parse(err.body ?? '') as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : undefined;
  } catch {
    return /"reason"\s*:\s*"([A-Za-z]+)"/.exec(err.body ?? '')?.[1];
  }
}

/** APNs' 410 `{ timestamp }`: when the token stopped being valid for the topic (ms since the epoch). */
export function apnsUnregisteredSince(err: VendorError): Date | undefined {
  let timestamp: unknown;
  try {
    timestamp = (JSON.parse(err.body ?? '') as { timestamp?: unknown }).timestamp;
  } catch {
    const found = /"timestamp"\s*:\s*(\d+)/.exec(err.body ?? '')?.[1];
    timestamp = found === undefined ? undefined : Number(found);
  }
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) return undefined;
  const since = new Date(timestamp);
  return Number.isNaN(since.getTime()) ? undefined : since;
}

const TOKEN_REASONS = new Set(['BadDeviceToken', 'DeviceTokenNotForTopic']);

/**
 * APNs' answer as a push outcome: 410 Unregistered (or ExpiredToken) → `unregistered`, its
 * timestamp as `since`; 400 BadDeviceToken / DeviceTokenNotForTopic → `invalid_token`; 429
 * (TooManyRequests, also TooManyProviderTokenUpdates), 5xx, timeouts, breaker open → `retry`;
 * other 4xx → `rejected`.
 */
export function apnsOutcome(err: unknown): PushOutcome {
  const transient = transientOutcome(err);
  if (transient !== undefined) return transient;
  const ve = err as VendorError;
  const reason = apnsReason(ve);
  if (ve.status === 410 && (reason === 'Unregistered' || reason === 'ExpiredToken')) {
    const since = apnsUnregisteredSince(ve);
    return since === undefined ? { kind: 'unregistered' } : { kind: 'unregistered', since };
  }
  if (ve.status === 400 && reason !== undefined && TOKEN_REASONS.has(reason)) return { kind: 'invalid_token' };
  return { kind: 'rejected', reason: `apns ${ve.kind}${ve.status !== undefined ? ` ${ve.status}` : ''}${reason ? ` ${reason}` : ''}` };
}
