import type { VendorError } from '../../kit/errors/VendorError.js';
import type { PushOutcome } from './PushSender.js';
import { transientOutcome } from './transientOutcome.js';

/** What FCM's error envelope (`{ error: { code, message, status, details: [{ errorCode }] } }`) says. */
interface FcmRefusal {
  readonly status: string | undefined;
  readonly errorCode: string | undefined;
  /** The refusal is about the registration token (its message, or a field violation on `message.token`). */
  readonly aboutToken: boolean;
}

/**
 * Reads the kit's logged copy of the body (its first 512 characters). A long envelope (a
 * BadRequest with many violations) is cut off and no longer JSON, so the codes are also looked
 * for in the text.
 */
function fcmRefusal(body: string | undefined): FcmRefusal {
  const text = body ?? '';
  let status: string | undefined;
  let errorCode: string | undefined;
  let message = '';
  let fields: string[] = [];
  try {
    const error = (JSON.parse(text) as { error?: { status?: unknown; message?: unknown; details?: unknown } }).error;
    if (typeof error?.status === 'string') status = error.status;
    if (typeof error?.message === 'string') message = error.message;
    for (const detail of Array.isArray(error?.details) ? (error.details as Record<string, unknown>[]) : []) {
      if (typeof detail.errorCode === 'string') errorCode = detail.errorCode;
      if (Array.isArray(detail.fieldViolations)) fields = fields.concat((detail.fieldViolations as { field?: unknown }[]).map((v) => String(v.field)));
    }
  } catch {
    status = /"status"\s*:\s*"([A-Z_]+)"/.exec(text)?.[1];
    errorCode = /"errorCode"\s*:\s*"([A-Z_]+)"/.exec(text)?.[1];
    message = /"message"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? '';
  }
  return { status, errorCode, aboutToken: /registration token/i.test(message) || fields.includes('message.token') };
}

/**
 * FCM's answer as a push outcome. UNREGISTERED (404) → `unregistered`; SENDER_ID_MISMATCH, or
 * INVALID_ARGUMENT about the token → `invalid_token`; 429 QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL,
 * 5xx, timeouts, breaker open → `retry`; any other 4xx → `rejected`. A 404 without UNREGISTERED
 * is `rejected`, not `unregistered`: a wrong base URL answers 404 too, and must not cost every
 * device its token.
 */
export function fcmOutcome(err: unknown): PushOutcome {
  const transient = transientOutcome(err);
  if (transient !== undefined) return transient;
  const ve = err as VendorError;
  const refusal = fcmRefusal(ve.body);
  if (ve.status === 404 && refusal.errorCode === 'UNREGISTERED') return { kind: 'unregistered' };
  if (refusal.errorCode === 'SENDER_ID_MISMATCH') return { kind: 'invalid_token' };
  if (ve.status === 400 && (refusal.errorCode ?? refusal.status) === 'INVALID_ARGUMENT' && refusal.aboutToken) return { kind: 'invalid_token' };
  if (refusal.errorCode === 'UNAVAILABLE' || refusal.errorCode === 'INTERNAL') return { kind: 'retry', reason: refusal.errorCode };
  return { kind: 'rejected', reason: `fcm ${ve.kind}${ve.status !== undefined ? ` ${ve.status}` : ''}${refusal.errorCode ? ` ${refusal.errorCode}` : refusal.status ? ` ${refusal.status}` : ''}` };
}
