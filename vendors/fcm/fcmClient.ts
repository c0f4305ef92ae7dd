/**
 * Plain `fetch` calls to the FCM-shaped sandbox vendor for tests, the notifications service's
 * tests and benchmarks: Google's service-account token exchange, `messages:send`, and the
 * sandbox's push controls. Subgraphs do not use this: they reach the vendor through the kit.
 */
import { randomBytes } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import type { RateLimit } from '../sandbox/types.js';
import type { GoogleErrorBody } from './fcmErrors.js';
import type { RecordedMessage } from './PushRecords.js';
import type { ServiceAccountJson } from './serviceAccount.js';
import { FCM_SCOPE, JWT_BEARER_GRANT } from './tokenEndpoint.js';
import { fetchJson } from '../sandbox/fetchJson.js';

export type { FcmErrorCode, GoogleErrorBody } from './fcmErrors.js';
export type { RecordedMessage } from './PushRecords.js';
export { SANDBOX_PROJECT_ID, SERVICE_ACCOUNT_FILE, SERVICE_ACCOUNT_JSON, serviceAccountFor, type ServiceAccountJson } from './serviceAccount.js';
export { CLOUD_PLATFORM_SCOPE, FCM_SCOPE } from './tokenEndpoint.js';

/** `message` of a send, FCM HTTP v1 (the fields the sandbox knows). */
export interface FcmMessage {
  token: string;
  notification?: { title?: string; body?: string; image?: string };
  data?: Record<string, string>;
  android?: {
    collapse_key?: string;
    priority?: 'NORMAL' | 'HIGH';
    /** Seconds with an `s`, e.g. '3600s'. */
    ttl?: string;
    restricted_package_name?: string;
    data?: Record<string, string>;
    notification?: Record<string, unknown>;
    direct_boot_ok?: boolean;
  };
  apns?: { headers?: Record<string, string>; payload?: Record<string, unknown> };
}

export type SendResult =
  | { ok: true; name: string }
  | { ok: false; status: number; error: GoogleErrorBody['error']; errorCode: string | null; retryAfterS: number | null };

export interface AccessToken {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
}

export class FcmClientError extends Error {
  constructor(
    readonly call: string,
    readonly status: number,
    /** The answer's JSON (or text) body. */
    readonly body: unknown,
  ) {
    super(`FCM ${call}: unexpected HTTP ${status}: ${JSON.stringify(body)?.slice(0, 300)}`);
    this.name = 'FcmClientError';
  }
}

async function call<T>(name: string, url: string, init: RequestInit & { expect?: number[] } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const { expect, ...request } = init;
  const answer = await fetchJson(url, request);
  if (!(expect ?? [200]).includes(answer.status)) throw new FcmClientError(name, answer.status, answer.body);
  return { ...answer, body: answer.body as T };
}

const json = (method: string, body?: unknown): RequestInit =>
  body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };

/** A token of FCM's shape (`<22 chars>:APA91b<134 chars>`, 163 characters), deliverable until unregistered. */
export function newDeviceToken(): string {
  const chars = (n: number) => randomBytes(n).toString('base64url').slice(0, n);
  return `${chars(22)}:APA91b${chars(134)}`;
}

export interface AssertionOptions {
  /** Default FCM's scope; '' leaves the claim out. */
  scope?: string;
  /** Default the account's `token_uri`. */
  audience?: string;
  /** `iat` (epoch s); default now. */
  issuedAt?: number;
  /** `exp` − `iat` (s); default 3600. */
  lifetimeS?: number;
  /** Default the account's `private_key_id`. */
  kid?: string;
  /** Default the account's private key. */
  privateKeyPem?: string;
}

/** The RS256 JWT a Google auth library signs with a service account's key to get an access token. */
export async function signAssertion(account: ServiceAccountJson, options: AssertionOptions = {}): Promise<string> {
  const key = await importPKCS8(options.privateKeyPem ?? account.private_key, 'RS256');
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const scope = options.scope ?? FCM_SCOPE;
  return new SignJWT(scope === '' ? {} : { scope })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? account.private_key_id })
    .setIssuer(account.client_email)
    .setAudience(options.audience ?? account.token_uri)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.lifetimeS ?? 3600))
    .sign(key);
}

/** Posts an assertion to the account's `token_uri`: 200 `{ access_token, … }` or 400 `{ error, error_description }`. */
export async function exchangeAssertion(tokenUri: string, assertion: string): Promise<{ status: number; body: AccessToken | { error: string; error_description: string } }> {
  const form = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion });
  return call('token', tokenUri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), expect: [200, 400] });
}

/** An access token for the service account (signs the assertion, exchanges it); throws on a refusal. */
export async function obtainAccessToken(account: ServiceAccountJson, options: AssertionOptions = {}): Promise<AccessToken> {
  const { status, body } = await exchangeAssertion(account.token_uri, await signAssertion(account, options));
  if (status !== 200) throw new FcmClientError('token', status, body);
  return body as AccessToken;
}

/** `messages:send`: FCM's refusals are results (the caller decides what each means), anything else throws. */
export async function sendMessage(
  baseUrl: string,
  accessToken: string,
  project: string,
  message: FcmMessage,
  options: { validateOnly?: boolean } = {},
): Promise<SendResult> {
  const body = options.validateOnly === undefined ? { message } : { validate_only: options.validateOnly, message };
  const res = await call<{ name: string } | GoogleErrorBody>('send', `${baseUrl}/v1/projects/${encodeURIComponent(project)}/messages:send`, {
    ...json('POST', body),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    expect: [200, 400, 401, 403, 404, 429, 500, 503],
  });
  if (res.status === 200 && 'name' in res.body) return { ok: true, name: res.body.name };
  if (!('error' in res.body)) throw new FcmClientError('send', res.status, res.body);
  const { error } = res.body;
  const fcm = (error.details ?? []).find((d) => d['@type'] === 'type.googleapis.com/google.firebase.fcm.v1.FcmError');
  const retryAfter = res.headers.get('retry-after');
  return { ok: false, status: res.status, error, errorCode: typeof fcm?.errorCode === 'string' ? fcm.errorCode : null, retryAfterS: retryAfter === null ? null : Number(retryAfter) };
}

// ── The sandbox's push controls (no credentials) ─────────────────────────────────────────

export async function unregisterDevice(baseUrl: string, token: string): Promise<void> {
  await call('unregister device', `${baseUrl}/__sandbox/devices/unregister`, json('POST', { token }));
}

/** The token now belongs to another project: sends from this one answer SENDER_ID_MISMATCH. */
export async function moveDevice(baseUrl: string, token: string, project: string): Promise<void> {
  await call('move device', `${baseUrl}/__sandbox/devices/move`, json('POST', { token, project }));
}

export async function listMessages(baseUrl: string): Promise<{ count: number; messages: RecordedMessage[] }> {
  return (await call<{ count: number; messages: RecordedMessage[] }>('list messages', `${baseUrl}/__sandbox/messages`)).body;
}

export async function clearMessages(baseUrl: string): Promise<void> {
  await call('clear messages', `${baseUrl}/__sandbox/messages`, json('DELETE'));
}

/** FCM's send quota per project (429 QUOTA_EXCEEDED with Retry-After past it); null lifts it. */
export async function setQuota(baseUrl: string, quota: RateLimit | null): Promise<RateLimit | null> {
  const init = quota === null ? json('DELETE') : json('PUT', quota);
  return (await call<{ quota: RateLimit | null }>('set quota', `${baseUrl}/__sandbox/quota`, init)).body.quota;
}

/** Back to a fresh vendor: no messages, every token deliverable, no quota, default faults, zero counters. */
export async function resetPushSandbox(baseUrl: string): Promise<void> {
  await Promise.all([
    clearMessages(baseUrl),
    call('reset devices', `${baseUrl}/__sandbox/devices`, json('DELETE')),
    setQuota(baseUrl, null),
    call('reset faults', `${baseUrl}/__sandbox/faults`, json('DELETE')),
    call('reset stats', `${baseUrl}/__sandbox/stats`, json('DELETE')),
  ]);
}
