import type { RequestBody } from '../sandbox/types.js';
import { invalidArgument, invalidToken, type FcmError } from './fcmErrors.js';

/** FCM registration tokens: long strings of URL-safe characters (`<instance id>:APA91b…`, ~160 chars). */
export const DEVICE_TOKEN_FORMAT = /^[A-Za-z0-9_:-]{100,256}$/;
/** FCM's limit on what a message carries to the device (bytes). */
export const MAX_PAYLOAD_BYTES = 4096;
/** FCM's longest TTL: 4 weeks (s). */
const MAX_TTL_S = 2_419_200;

export type AndroidPriority = 'NORMAL' | 'HIGH';

/** A message FCM accepted, with the fields the sandbox records. */
export interface ValidMessage {
  validateOnly: boolean;
  token: string;
  notification: { title?: string; body?: string; image?: string } | null;
  data: Record<string, string> | null;
  collapseKey: string | null;
  priority: AndroidPriority | null;
  /** As sent, e.g. '3600s'. */
  ttl: string | null;
  android: Record<string, unknown> | null;
  apns: Record<string, unknown> | null;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Proto3 JSON: a field may be sent as `collapse_key` or `collapseKey`; unknown names are refused, as FCM does. */
function fields(value: Obj, known: readonly string[], at: string | null): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, v] of Object.entries(value)) {
    const key = snake(name);
    if (!known.includes(key)) {
      const where = at === null ? '' : ` at '${at}'`;
      const description = `Invalid JSON payload received. Unknown name ${JSON.stringify(name.slice(0, 100))}${where}: Cannot find field.`;
      throw invalidArgument(description, [{ field: at ?? '', description }]);
    }
    if (v !== null && v !== undefined) out.set(key, v);
  }
  return out;
}

function invalidValue(path: string, type: string, value: unknown): FcmError {
  const shown = JSON.stringify(value)?.slice(0, 100) ?? String(value);
  const description = `Invalid value at '${path}' (${type}), ${shown}`;
  return invalidArgument(description, [{ field: path, description }]);
}

function objectAt(value: unknown, path: string, type: string): Obj {
  if (!isObject(value)) throw invalidValue(path, type, value);
  return value;
}

function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalidValue(path, 'TYPE_STRING', value);
  return value;
}

/** A `map<string, string>`: FCM refuses any value that is not a string, naming the entry. */
function stringMap(value: unknown, path: string): Record<string, string> {
  const map = objectAt(value, path, 'type.googleapis.com/google.protobuf.Struct');
  Object.values(map).forEach((v, i) => {
    if (typeof v !== 'string') throw invalidValue(`${path}[${i}].value`, 'TYPE_STRING', v);
  });
  return map as Record<string, string>;
}

const optionalString = (f: Map<string, unknown>, name: string, at: string): string | null => (f.has(name) ? stringAt(f.get(name), `${at}.${name}`) : null);

function notificationOf(value: unknown, at: string): ValidMessage['notification'] {
  const f = fields(objectAt(value, at, 'type.googleapis.com/google.firebase.fcm.v1.Notification'), ['title', 'body', 'image'], at);
  const out: { title?: string; body?: string; image?: string } = {};
  for (const name of ['title', 'body', 'image'] as const) if (f.has(name)) out[name] = stringAt(f.get(name), `${at}.${name}`);
  return out;
}

const ANDROID_FIELDS = ['collapse_key', 'priority', 'ttl', 'restricted_package_name', 'data', 'notification', 'fcm_options', 'direct_boot_ok'];

function androidOf(value: unknown): { collapseKey: string | null; priority: AndroidPriority | null; ttl: string | null; sized: unknown[] } {
  const at = 'message.android';
  const f = fields(objectAt(value, at, 'type.googleapis.com/google.firebase.fcm.v1.AndroidConfig'), ANDROID_FIELDS, at);
  const priority = f.get('priority');
  if (priority !== undefined && priority !== 'NORMAL' && priority !== 'HIGH') {
    throw invalidValue(`${at}.priority`, 'type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority', priority);
  }
  const ttl = optionalString(f, 'ttl', at);
  if (ttl !== null) {
    const match = /^(\d{1,12})(\.\d{1,9})?s$/.exec(ttl);
    if (match === null) throw invalidValue(`${at}.ttl`, 'type.googleapis.com/google.protobuf.Duration', ttl);
    if (Number(match[1]) > MAX_TTL_S) throw invalidArgument(`The TTL of an Android message must be at most ${MAX_TTL_S}s (4 weeks).`, [{ field: `${at}.ttl`, description: 'TTL too long' }]);
  }
  optionalString(f, 'restricted_package_name', at);
  const data = f.has('data') ? stringMap(f.get('data'), `${at}.data`) : undefined;
  const notification = f.has('notification') ? objectAt(f.get('notification'), `${at}.notification`, 'type.googleapis.com/google.firebase.fcm.v1.AndroidNotification') : undefined;
  if (f.has('fcm_options')) objectAt(f.get('fcm_options'), `${at}.fcm_options`, 'type.googleapis.com/google.firebase.fcm.v1.AndroidFcmOptions');
  if (f.has('direct_boot_ok') && typeof f.get('direct_boot_ok') !== 'boolean') throw invalidValue(`${at}.direct_boot_ok`, 'TYPE_BOOL', f.get('direct_boot_ok'));
  return { collapseKey: optionalString(f, 'collapse_key', at), priority: (priority as AndroidPriority | undefined) ?? null, ttl, sized: [data, notification] };
}

function apnsOf(value: unknown): Obj {
  const at = 'message.apns';
  const f = fields(objectAt(value, at, 'type.googleapis.com/google.firebase.fcm.v1.ApnsConfig'), ['headers', 'payload', 'fcm_options', 'live_activity_token'], at);
  if (f.has('headers')) stringMap(f.get('headers'), `${at}.headers`);
  if (f.has('payload')) {
    const payload = objectAt(f.get('payload'), `${at}.payload`, 'type.googleapis.com/google.protobuf.Struct');
    if (Buffer.byteLength(JSON.stringify(payload)) > MAX_PAYLOAD_BYTES) throw invalidArgument('APNs message is too big');
  }
  if (f.has('fcm_options')) objectAt(f.get('fcm_options'), `${at}.fcm_options`, 'type.googleapis.com/google.firebase.fcm.v1.ApnsFcmOptions');
  return value as Obj;
}

const MESSAGE_FIELDS = ['name', 'data', 'notification', 'android', 'webpush', 'apns', 'fcm_options', 'token', 'topic', 'condition'];

/** The body of `messages:send`, checked as FCM checks it; throws the FcmError FCM would answer. */
export function validateSendBody(body: RequestBody): ValidMessage {
  if (body.kind !== 'json') {
    const description =
      body.kind === 'none' ? 'Invalid JSON payload received. Request body is empty.' : `Invalid JSON payload received. ${body.reason.slice(0, 200)}`;
    throw invalidArgument(description, [{ field: '', description }]);
  }
  const top = fields(objectAt(body.value, '', 'type.googleapis.com/google.firebase.fcm.v1.SendMessageRequest'), ['validate_only', 'message'], null);
  const validateOnly = top.get('validate_only') ?? false;
  if (typeof validateOnly !== 'boolean') throw invalidValue('validate_only', 'TYPE_BOOL', validateOnly);
  if (!top.has('message')) throw invalidArgument('Request contains an invalid argument.', [{ field: 'message', description: 'A message is required.' }]);
  const f = fields(objectAt(top.get('message'), 'message', 'type.googleapis.com/google.firebase.fcm.v1.Message'), MESSAGE_FIELDS, 'message');

  const targets = ['token', 'topic', 'condition'].filter((t) => f.has(t));
  if (targets.length === 0) throw invalidArgument('Recipient of the message is not set.', [{ field: 'message', description: 'one of token, topic or condition is required' }]);
  if (targets.length > 1) throw invalidArgument('Request contains an invalid argument.', [{ field: 'message', description: `only one of token, topic or condition may be set, got ${targets.join(', ')}` }]);
  if (!f.has('token')) throw invalidArgument('Request contains an invalid argument.', [{ field: `message.${targets[0]}`, description: 'the sandbox delivers to device tokens only' }]);
  const token = stringAt(f.get('token'), 'message.token');
  if (!DEVICE_TOKEN_FORMAT.test(token)) throw invalidToken();

  const notification = f.has('notification') ? notificationOf(f.get('notification'), 'message.notification') : null;
  const data = f.has('data') ? stringMap(f.get('data'), 'message.data') : null;
  const android = f.has('android') ? androidOf(f.get('android')) : null;
  const apns = f.has('apns') ? apnsOf(f.get('apns')) : null;
  if (f.has('webpush')) objectAt(f.get('webpush'), 'message.webpush', 'type.googleapis.com/google.firebase.fcm.v1.WebpushConfig');
  if (f.has('fcm_options')) objectAt(f.get('fcm_options'), 'message.fcm_options', 'type.googleapis.com/google.firebase.fcm.v1.FcmOptions');

  // What reaches an Android device: the notification and data, the message's and android's own.
  if (Buffer.byteLength(JSON.stringify([notification, data, ...(android?.sized ?? [])])) > MAX_PAYLOAD_BYTES) throw invalidArgument('Android message is too big');

  return {
    validateOnly,
    token,
    notification,
    data,
    collapseKey: android?.collapseKey ?? null,
    priority: android?.priority ?? null,
    ttl: android?.ttl ?? null,
    android: f.has('android') ? (f.get('android') as Obj) : null,
    apns,
  };
}
