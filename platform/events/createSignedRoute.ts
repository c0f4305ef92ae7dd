import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { ExtraRoute } from '../http/createHttpHandler.js';
import { BodyTooLargeError, ClientGoneError, readBodyBytes } from '../http/readBody.js';
import type { Logger } from '../log/createLogger.js';
import type { Verification } from './verifyWebhook.js';

/** What a verified body turned out to be: a delivery to record (its id is what `webhook-id` must say), or why not. */
export type SignedBody<T> = { readonly ok: true; readonly id: string; readonly type: string; readonly value: T } | { readonly ok: false; readonly message: string };

export interface SignedRouteOptions<T> {
  /** e.g. '/webhooks/payments' (a vendor's) or '/events' (other services'). */
  readonly path: string;
  readonly maxBodyBytes: number;
  readonly verify: (body: Buffer, headers: IncomingHttpHeaders) => Verification;
  /** The envelope check, on the parsed JSON of a body whose signature verified. */
  readonly parse: (json: unknown) => SignedBody<T>;
  /** Writes the delivery durably and resolves once committed; false = a duplicate. Null while the store is not open. */
  readonly record: () => ((value: T) => Promise<boolean>) | null;
  readonly isReady: () => boolean;
  readonly logger: Logger;
  /** What a delivery is called in logs: 'webhook', 'service event'. */
  readonly noun: string;
}

const REFUSALS = {
  missing_headers: 'the webhook-id, webhook-timestamp and webhook-signature headers are required',
  bad_signature: 'no signature matches an active secret',
  stale_timestamp: 'the timestamp is more than 5 minutes from now',
} as const;

function answer(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * An endpoint that receives signed deliveries (Standard Webhooks) and stores them before it
 * answers: a vendor's webhooks, another service's events. In order: method, readiness, size
 * cap, signature and timestamp, JSON, envelope, then the write; 2xx only once the delivery is
 * committed, so one we acknowledge is never lost, and a refusal stores nothing. A duplicate
 * is acknowledged without a second write. What the delivery means is applied later, by a
 * worker: receipt stays fast (senders time out and retry slow endpoints).
 */
export function createSignedRoute<T>(options: SignedRouteOptions<T>): ExtraRoute {
  const { logger, noun } = options;
  const notReady = (res: ServerResponse) => answer(res, 503, { error: { code: 'not_ready', message: 'not accepting deliveries now; retry later' } }, { 'retry-after': '1' });
  return async (req, res, requestId) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== options.path) return false;
    const refuse = (status: number, reason: string, message: string) => {
      logger.warn({ requestId, status, reason, webhookId: String(req.headers['webhook-id'] ?? '').slice(0, 80) }, `${noun} delivery refused`);
      answer(res, status, { error: { code: reason, message } });
      return true;
    };
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return refuse(405, 'method_not_allowed', 'deliveries are made with POST');
    }
    if (!options.isReady()) {
      notReady(res);
      return true;
    }
    let body: Buffer;
    try {
      body = await readBodyBytes(req, options.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        res.setHeader('connection', 'close');
        return refuse(413, 'payload_too_large', `the body is larger than ${options.maxBodyBytes} bytes`);
      }
      if (err instanceof ClientGoneError) return true;
      throw err;
    }
    // The signature covers the bytes as sent, so it is checked before anything decodes them.
    const verification = options.verify(body, req.headers);
    if (!verification.ok) return refuse(400, verification.reason, REFUSALS[verification.reason]);

    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return refuse(400, 'invalid_json', 'the body is not JSON');
    }
    const parsed = options.parse(json);
    if (!parsed.ok) return refuse(400, 'invalid_event', parsed.message);
    // The signature binds the header's id, not the body's: they must be the same, or a replay could pass as another delivery.
    if (parsed.id !== req.headers['webhook-id']) return refuse(400, 'invalid_event', 'webhook-id is not the event id');

    const record = options.record();
    if (record === null) {
      notReady(res);
      return true;
    }
    let stored: boolean;
    try {
      stored = await record(parsed.value);
    } catch (err) {
      // Not acknowledged, so the sender delivers it again: nothing is lost while the store is down.
      logger.error({ requestId, err, eventId: parsed.id }, `${noun} not stored: answering 503 so that the sender retries`);
      answer(res, 503, { error: { code: 'store_unavailable', message: 'not stored; retry later' } }, { 'retry-after': '5' });
      return true;
    }
    logger.info({ requestId, eventId: parsed.id, type: parsed.type, duplicate: !stored }, stored ? `${noun} stored` : `${noun} duplicate acknowledged`);
    answer(res, 200, { received: true, duplicate: !stored });
    return true;
  };
}
