import { randomUUID } from 'node:crypto';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Branding } from '../sandbox/branding.js';
import type { CallRecorder } from '../sandbox/CallRecorder.js';
import type { FaultController } from '../sandbox/FaultController.js';
import { reasonForStatus, refusal, type ApnsRefusal } from './apnsReasons.js';
import type { NotificationLog } from './NotificationLog.js';
import type { ProviderTokenVerifier } from './ProviderTokenVerifier.js';
import { isApnsId, MAX_VOIP_PAYLOAD_BYTES, readNotification } from './readNotification.js';
import type { UnregisteredDevices } from './UnregisteredDevices.js';

export const SEND_ROUTE = 'POST /3/device/:deviceToken';
const DEVICE_PREFIX = '/3/device/';

export interface NotificationHandlerDeps {
  faults: FaultController;
  recorder: CallRecorder;
  verifier: ProviderTokenVerifier;
  log: NotificationLog;
  unregistered: UnregisteredDevices;
  brand: Pick<Branding, 'headers'>;
  topics: readonly string[];
  clock: () => number;
  /** Resolves after `ms` unless the vendor closes first (then it resolves too, and the answer is dropped). */
  sleep(ms: number): Promise<void>;
  closing(): boolean;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * `POST /3/device/{token}`, processed like every sandbox API request but answered as APNs
 * answers: record → path → provider token → script → outage → hang → rate limit (per device
 * token, as APNs' TooManyRequests is) → latency → errorRate → the request's own checks →
 * unregistered → accepted. Refusals are `{ reason }` (+ `timestamp` for 410), success is an
 * empty 200; every answer carries `apns-id`.
 */
export function createNotificationHandler(deps: NotificationHandlerDeps) {
  return async function handleNotification(req: Http2ServerRequest, res: Http2ServerResponse, pathname: string): Promise<void> {
    const method = req.method;
    const isDevicePath = pathname.startsWith(DEVICE_PREFIX) && !pathname.slice(DEVICE_PREFIX.length).includes('/');
    const record = deps.recorder.begin({
      method,
      route: isDevicePath && method === 'POST' ? SEND_ROUTE : `${method} (no route)`,
      path: pathname,
      requestId: first(req.headers['x-request-id'])?.slice(0, 200) ?? null,
      at: deps.clock(),
    });
    const sentId = first(req.headers['apns-id']);
    // APNs names every answer, refusals included: the id sent, or one it makes up.
    const apnsId = sentId !== undefined && isApnsId(sentId) ? sentId : randomUUID();
    const answer = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
      deps.recorder.finish(record, status);
      if (res.headersSent || res.stream.destroyed || res.stream.closed) return;
      const headers: Record<string, string> = { ...deps.brand.headers, ...extra };
      if (!('apns-id' in headers)) headers['apns-id'] = apnsId;
      if (record.requestId !== null) headers['x-request-id'] = record.requestId;
      if (body === undefined) {
        res.writeHead(status, headers).end();
        return;
      }
      const buf = Buffer.from(JSON.stringify(body), 'utf8');
      res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(buf.length) }).end(buf);
    };
    const refuse = (r: ApnsRefusal, extra?: Record<string, string>): void => answer(r.status, r.body, extra);

    const body = await readCapped(req, MAX_VOIP_PAYLOAD_BYTES);
    if (body === 'aborted') return;
    if (!isDevicePath) return refuse(refusal('BadPath'));
    if (method !== 'POST') return refuse(refusal('MethodNotAllowed'), { allow: 'POST' });

    const auth = await deps.verifier.check(first(req.headers.authorization), req.stream.session ?? req.stream);
    if (auth !== null) return refuse(refusal(auth));

    const scripted = deps.faults.takeScript();
    if (scripted !== undefined && (scripted.body !== undefined || scripted.status >= 300)) {
      const retry: Record<string, string> = scripted.retryAfterS === undefined ? {} : { 'retry-after': String(scripted.retryAfterS) };
      const reason = reasonForStatus(scripted.status);
      const fallback = reason === 'Unregistered' ? { reason, timestamp: deps.clock() } : { reason };
      return answer(scripted.status, scripted.body ?? (scripted.status >= 400 ? fallback : undefined), retry);
    }
    const current = deps.faults.get();
    if (current.outage) return refuse(refusal('ServiceUnavailable'));
    if (current.hang) return; // never answered: the client's deadline or close() ends the stream
    const token = decodeURIComponentSafe(pathname.slice(DEVICE_PREFIX.length));
    const decision = deps.faults.rateLimit(`device ${token.toLowerCase()}`, deps.clock());
    // Real APNs sends no Retry-After with TooManyRequests; neither does the sandbox.
    if (decision !== null && !decision.allowed) return refuse(refusal('TooManyRequests'));

    const delay = deps.faults.delayMs();
    if (delay > 0) await deps.sleep(delay);
    if (deps.closing() || res.stream.destroyed) return;
    if (deps.faults.shouldFail()) return refuse(refusal('InternalServerError'));

    const read = readNotification({ token, headers: req.headers, body, topics: deps.topics, receivedAt: deps.clock(), generatedId: apnsId });
    if ('status' in read) return refuse(read);
    const goneAt = deps.unregistered.unregisteredAt(read.token);
    if (goneAt !== undefined) return refuse(refusal('Unregistered', goneAt));
    deps.log.add(read);
    // The development APNs also sends apns-unique-id (a lookup id for Apple's delivery log).
    answer(200, undefined, { 'apns-unique-id': randomUUID() });
  };
}

function decodeURIComponentSafe(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // not 64 hex characters either: BadDeviceToken follows
  }
}

/** The body, `tooLarge` past `limit` bytes (the rest is drained, not kept), or `aborted` when the stream died. */
function readCapped(req: Http2ServerRequest, limit: number): Promise<Buffer | 'tooLarge' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.once('end', () => resolve(size > limit ? 'tooLarge' : Buffer.concat(chunks)));
    req.once('error', () => resolve('aborted'));
    req.once('aborted', () => resolve('aborted'));
    req.stream.once('close', () => resolve('aborted'));
  });
}
