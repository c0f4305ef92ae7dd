/**
 * An APNs provider for tests, the demo and benchmarks: signs provider tokens (ES256 with
 * jose), sends notifications over one HTTP/2 session, and drives the sandbox's controls over
 * that same session. Pointed at `https://api.sandbox.push.apple.com` with a real key it
 * speaks to Apple (the controls aside). The notifications service reaches APNs through the
 * kit, not through this.
 */
import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { importPKCS8, SignJWT } from 'jose';
import type { Faults, VendorStats } from '../sandbox/types.js';
import { APNS_SANDBOX_BUNDLE_ID, APNS_SANDBOX_KEY_ID, APNS_SANDBOX_PRIVATE_KEY_PEM, APNS_SANDBOX_TEAM_ID } from './apnsKeyFixture.js';
import type { ApnsNotification, ApnsPushType } from './readNotification.js';

export { APNS_SANDBOX_BUNDLE_ID, APNS_SANDBOX_KEY, APNS_SANDBOX_KEY_ID, APNS_SANDBOX_PRIVATE_KEY_PEM, APNS_SANDBOX_TEAM_ID } from './apnsKeyFixture.js';
export type { ApnsNotification, ApnsPushType } from './readNotification.js';

export interface ProviderTokenInput {
  /** PKCS#8 PEM (the `.p8` file); default the sandbox fixture's. */
  privateKeyPem?: string;
  /** `kid`; default the sandbox's key id. */
  keyId?: string;
  /** `iss`; default the sandbox's team id. */
  teamId?: string;
  /** `iat` (unix seconds); default now. */
  issuedAt?: number;
}

/** A provider token as APNs wants it: ES256, `kid` in the header, `iss` and `iat` claims, nothing else. */
export async function signProviderToken(input: ProviderTokenInput = {}): Promise<string> {
  const key = await importPKCS8(input.privateKeyPem ?? APNS_SANDBOX_PRIVATE_KEY_PEM, 'ES256');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: input.keyId ?? APNS_SANDBOX_KEY_ID })
    .setIssuer(input.teamId ?? APNS_SANDBOX_TEAM_ID)
    .setIssuedAt(input.issuedAt ?? Math.floor(Date.now() / 1000))
    .sign(key);
}

export interface ApnsSendInput {
  /** The device token (64 hex characters for a real one). */
  token: string;
  /** Sent as JSON, e.g. `{ aps: { alert: { title, body } } }`. */
  payload?: unknown;
  /** Sent as is instead of `payload` (malformed bodies). */
  rawBody?: string | Buffer;
  /** `apns-topic`; default the client's topic; null = no header. */
  topic?: string | null;
  pushType?: ApnsPushType | string;
  priority?: number | string;
  collapseId?: string;
  expiration?: number | string;
  apnsId?: string;
  /** The provider token; default the client's; null = no `authorization` header. */
  providerToken?: string | null;
  /** More headers (x-request-id, or malformed ones). */
  headers?: Record<string, string>;
}

export interface ApnsSendResult {
  status: number;
  /** `apns-id` of the answer (sent or generated). */
  apnsId: string | null;
  /** `apns-unique-id` (development environment only). */
  uniqueId: string | null;
  /** APNs' `reason` on a refusal, else null. */
  reason: string | null;
  /** Epoch ms since when the token is invalid (410), else null. */
  timestamp: number | null;
  headers: IncomingHttpHeaders;
}

export interface ApnsClientOptions {
  /** A fixed token, or a function giving one (re-signed by you); default one signed with the fixture key, re-signed every 30 minutes. */
  providerToken?: string | (() => Promise<string>);
  /** Default `apns-topic`; the fixture's bundle id. */
  topic?: string;
  /** Per request (ms); the stream is cancelled after it. Default 10 000. */
  timeoutMs?: number;
}

export class ApnsClientError extends Error {
  constructor(
    readonly call: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`APNs sandbox ${call}: unexpected HTTP ${status}: ${JSON.stringify(body)?.slice(0, 300)}`);
    this.name = 'ApnsClientError';
  }
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP/2 connection to an APNs-shaped origin (reopened when it drops). */
export class ApnsClient {
  private session: ClientHttp2Session | null = null;
  /** The fixture-signed default token and when it was signed (s): re-signed after 30 minutes, inside APNs' 20..60 window. */
  private fixedToken: { token: Promise<string>; at: number } | null = null;
  private readonly timeoutMs: number;
  private readonly topic: string;

  constructor(
    readonly url: string,
    private readonly options: ApnsClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.topic = options.topic ?? APNS_SANDBOX_BUNDLE_ID;
  }

  /** `POST /3/device/{token}`; APNs' refusals are results (status, reason), not exceptions. */
  async send(input: ApnsSendInput): Promise<ApnsSendResult> {
    const headers: OutgoingHttpHeaders = { ...input.headers };
    const token = input.providerToken === undefined ? await this.providerToken() : input.providerToken;
    if (token !== null) headers.authorization = `bearer ${token}`;
    const topic = input.topic === undefined ? this.topic : input.topic;
    if (topic !== null) headers['apns-topic'] = topic;
    if (input.pushType !== undefined) headers['apns-push-type'] = input.pushType;
    if (input.priority !== undefined) headers['apns-priority'] = String(input.priority);
    if (input.collapseId !== undefined) headers['apns-collapse-id'] = input.collapseId;
    if (input.expiration !== undefined) headers['apns-expiration'] = String(input.expiration);
    if (input.apnsId !== undefined) headers['apns-id'] = input.apnsId;
    const body = input.rawBody ?? (input.payload === undefined ? undefined : JSON.stringify(input.payload));
    if (input.rawBody === undefined && body !== undefined) headers['content-type'] = 'application/json';
    const answer = await this.request('POST', `/3/device/${encodeURIComponent(input.token)}`, { headers, body });
    let parsed: { reason?: unknown; timestamp?: unknown } = {};
    try {
      parsed = answer.body === '' ? {} : (JSON.parse(answer.body) as typeof parsed);
    } catch {
      parsed = { reason: answer.body };
    }
    const one = (name: string): string | null => {
      const v = answer.headers[name];
      return typeof v === 'string' ? v : null;
    };
    return {
      status: answer.status,
      apnsId: one('apns-id'),
      uniqueId: one('apns-unique-id'),
      reason: typeof parsed.reason === 'string' ? parsed.reason : null,
      timestamp: typeof parsed.timestamp === 'number' ? parsed.timestamp : null,
      headers: answer.headers,
    };
  }

  /** The `authorization` and `apns-topic` headers `send` uses (for hand-made requests over this connection). */
  async authHeaders(): Promise<Record<string, string>> {
    return { authorization: `bearer ${await this.providerToken()}`, 'apns-topic': this.topic };
  }

  /** Any request over the session; rejects when the stream fails or times out. */
  request(method: string, path: string, init: { headers?: OutgoingHttpHeaders; body?: string | Buffer } = {}): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const stream = this.connection().request({ ...init.headers, ':method': method, ':path': path }, { endStream: init.body === undefined });
      let status = 0;
      let headers: IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      stream.setTimeout(this.timeoutMs, () => {
        stream.close(constants.NGHTTP2_CANCEL);
        reject(new Error(`APNs ${method} ${path}: no answer within ${this.timeoutMs} ms`));
      });
      stream.on('response', (h) => {
        headers = h;
        status = Number(h[':status']);
      });
      stream.on('data', (c: Buffer) => chunks.push(c));
      const unanswered = (): Error => new Error(`APNs ${method} ${path}: stream closed without an answer (code ${stream.rstCode ?? 'none'})`);
      // A stream ended by a dropped connection ends without a response: that is a failure, not an answer.
      stream.on('end', () => (status === 0 ? reject(unanswered()) : resolve({ status, headers, body: Buffer.concat(chunks).toString('utf8') })));
      stream.on('error', reject);
      stream.on('close', () => {
        if (status === 0) reject(unanswered());
      });
      if (init.body !== undefined) stream.end(init.body);
    });
  }

  // ── The sandbox's controls (over the same HTTP/2 session) ─────────────────────────────────

  health(): Promise<{ status: string; vendor: string }> {
    return this.control('health', 'GET', '/__sandbox/health');
  }
  faults(): Promise<Faults> {
    return this.control('faults', 'GET', '/__sandbox/faults');
  }
  setFaults(partial: Partial<Faults>): Promise<Faults> {
    return this.control('setFaults', 'PUT', '/__sandbox/faults', partial);
  }
  resetFaults(): Promise<Faults> {
    return this.control('resetFaults', 'DELETE', '/__sandbox/faults');
  }
  stats(): Promise<VendorStats> {
    return this.control('stats', 'GET', '/__sandbox/stats');
  }
  /** Also clears the notification log. */
  resetStats(): Promise<VendorStats> {
    return this.control('resetStats', 'DELETE', '/__sandbox/stats');
  }
  /** Later sends to `token` → 410 Unregistered with `timestamp` (default now, epoch ms). */
  unregister(token: string, timestamp?: number): Promise<{ token: string; timestamp: number }> {
    return this.control('unregister', 'POST', '/__sandbox/devices/unregister', timestamp === undefined ? { token } : { token, timestamp });
  }
  unregisteredDevices(): Promise<{ unregistered: Array<{ token: string; timestamp: number }> }> {
    return this.control('unregisteredDevices', 'GET', '/__sandbox/devices');
  }
  clearDevices(): Promise<{ unregistered: [] }> {
    return this.control('clearDevices', 'DELETE', '/__sandbox/devices');
  }
  notifications(filter: { token?: string; topic?: string } = {}): Promise<{ count: number; notifications: ApnsNotification[] }> {
    const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined)).toString();
    return this.control('notifications', 'GET', `/__sandbox/notifications${query === '' ? '' : `?${query}`}`);
  }
  clearNotifications(): Promise<{ count: number; notifications: [] }> {
    return this.control('clearNotifications', 'DELETE', '/__sandbox/notifications');
  }

  /** Ends the session and every stream on it. */
  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session === null || session.destroyed) return;
    await new Promise<void>((resolve) => {
      session.once('close', () => resolve());
      session.destroy();
    });
  }

  private async control<T>(call: string, method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.request(method, path, {
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let parsed: unknown = answer.body;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      // kept as text for the error
    }
    if (answer.status !== 200) throw new ApnsClientError(call, answer.status, parsed);
    return parsed as T;
  }

  private providerToken(): Promise<string> {
    const given = this.options.providerToken;
    if (typeof given === 'string') return Promise.resolve(given);
    if (typeof given === 'function') return given();
    const now = Math.floor(Date.now() / 1000);
    if (this.fixedToken === null || now - this.fixedToken.at >= 30 * 60) this.fixedToken = { token: signProviderToken({ issuedAt: now }), at: now };
    return this.fixedToken.token;
  }

  private connection(): ClientHttp2Session {
    if (this.session === null || this.session.closed || this.session.destroyed) {
      const session = connect(this.url);
      session.on('error', () => undefined); // surfaced through each stream
      this.session = session;
    }
    return this.session;
  }
}
