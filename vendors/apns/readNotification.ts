import type { IncomingHttpHeaders } from 'node:http2';
import { refusal, type ApnsRefusal } from './apnsReasons.js';

/** A notification APNs accepted, as the sandbox records it. */
export interface ApnsNotification {
  /** `apns-id` as sent, or the one APNs generated (lower-case UUID). */
  apnsId: string;
  /** The device token (64 hex characters, lower-cased). */
  token: string;
  topic: string;
  /** `apns-push-type`; `alert` when absent, as APNs assumes for iOS. */
  pushType: ApnsPushType;
  /** 10, 5 or 1; 10 when absent, as APNs assumes. */
  priority: number;
  collapseId: string | null;
  /** Unix seconds; 0 = deliver once or never. Null when absent. */
  expiration: number | null;
  payload: Record<string, unknown>;
  /** When the sandbox accepted it (epoch ms). */
  receivedAt: number;
}

export const APNS_PUSH_TYPES = ['alert', 'background', 'location', 'voip', 'complication', 'fileprovider', 'mdm', 'liveactivity', 'pushtotalk', 'widgets'] as const;
export type ApnsPushType = (typeof APNS_PUSH_TYPES)[number];

/** Payload limits (bytes): 4 KiB, 5 KiB for VoIP. */
export const MAX_PAYLOAD_BYTES = 4096;
export const MAX_VOIP_PAYLOAD_BYTES = 5120;
/** `apns-collapse-id` limit (bytes). */
export const MAX_COLLAPSE_ID_BYTES = 64;

const DEVICE_TOKEN = /^[0-9a-f]{64}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS = /^\d{1,12}$/;
/** Topics a push type is sent on, beyond the bundle id itself. */
const TOPIC_SUFFIXES = ['.voip', '.complication', '.push-type.liveactivity', '.push-type.pushtotalk', '.push-type.location'];

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export interface NotificationInput {
  token: string;
  headers: IncomingHttpHeaders;
  /** The raw body, or `tooLarge` when it passed the read limit. */
  body: Buffer | 'tooLarge';
  /** The bundle ids this provider key may push to. */
  topics: readonly string[];
  receivedAt: number;
  /** The `apns-id` when none was sent. */
  generatedId: string;
}

/** An `apns-id` APNs accepts: a UUID in canonical form. */
export const isApnsId = (v: string): boolean => UUID.test(v);

/**
 * APNs' checks of one request, after auth, in a fixed order: device token, topic, apns-id,
 * push type, priority, expiration, collapse id, payload. The first problem is the answer.
 */
export function readNotification(input: NotificationInput): ApnsNotification | ApnsRefusal {
  const { headers } = input;
  if (input.token === '') return refusal('MissingDeviceToken');
  if (!DEVICE_TOKEN.test(input.token)) return refusal('BadDeviceToken');

  const topic = header(headers, 'apns-topic');
  if (topic === undefined || topic === '') return refusal('MissingTopic');
  if (!input.topics.some((t) => topic === t || TOPIC_SUFFIXES.some((s) => topic === t + s))) return refusal('BadTopic');

  const sentId = header(headers, 'apns-id');
  if (sentId !== undefined && !UUID.test(sentId)) return refusal('BadMessageId');

  const type = header(headers, 'apns-push-type') ?? 'alert';
  if (!(APNS_PUSH_TYPES as readonly string[]).includes(type)) return refusal('InvalidPushType');
  const pushType = type as ApnsPushType;

  const priorityText = header(headers, 'apns-priority');
  const priority = priorityText === undefined ? 10 : ['10', '5', '1'].includes(priorityText) ? Number(priorityText) : null;
  // Apple: priority 10 is an error for a background notification.
  if (priority === null || (pushType === 'background' && priority === 10 && priorityText !== undefined)) return refusal('BadPriority');

  const expirationText = header(headers, 'apns-expiration');
  if (expirationText !== undefined && !DIGITS.test(expirationText)) return refusal('BadExpirationDate');
  const expiration = expirationText === undefined ? null : Number(expirationText);

  const collapseId = header(headers, 'apns-collapse-id') ?? null;
  if (collapseId !== null && (collapseId === '' || Buffer.byteLength(collapseId, 'utf8') > MAX_COLLAPSE_ID_BYTES)) return refusal('BadCollapseId');

  const limit = pushType === 'voip' ? MAX_VOIP_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES;
  if (input.body === 'tooLarge' || input.body.length > limit) return refusal('PayloadTooLarge');
  const payload = parsePayload(input.body);
  if (payload === null) return refusal('PayloadEmpty');

  return {
    apnsId: sentId ?? input.generatedId,
    token: input.token.toLowerCase(),
    topic,
    pushType,
    priority,
    collapseId,
    expiration,
    payload,
    receivedAt: input.receivedAt,
  };
}

/** A JSON object with an `aps` dictionary, else null: the sandbox answers both empty and unreadable payloads `PayloadEmpty`. */
function parsePayload(body: Buffer): Record<string, unknown> | null {
  const text = body.toString('utf8');
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  return isObject(value) && isObject(value.aps) ? value : null;
}
