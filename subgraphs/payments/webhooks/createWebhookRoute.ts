import type { ServerResponse } from 'node:http';
import type { ExtraRoute } from '../../../platform/http/createHttpHandler.js';
import { BodyTooLargeError, ClientGoneError, readBodyBytes } from '../../../platform/http/readBody.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import { webhookEvent } from './webhookEvent.js';
import type { Verification } from './verifyWebhook.js';

export interface WebhookRouteOptions {
  /** e.g. '/webhooks/payments' (the registry's `webhookPath`). */
  readonly path: string;
  readonly maxBodyBytes: number;
  readonly verify: (body: Buffer, headers: Record<string, string | string[] | undefined>) => Verification;
  /** Writes the event durably (with its processing job) and resolves once committed; false = a duplicate. Null while the store is not open. */
  readonly record: () => ((event: { id: string; type: string; payload: unknown }) => Promise<boolean>) | null;
  readonly isReady: () => boolean;
  readonly logger: Logger;
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
 * The payment vendor's webhook endpoint (HTTP, not GraphQL; the vendor, not the gateway,
 * calls it). In order: size cap, signature and timestamp, envelope, then the inbox write;
 * 2xx only once the event is committed, so a delivery we acknowledge is never lost, and a
 * refusal stores nothing. A duplicate delivery is acknowledged without a second write.
 * The event is applied later by the inbox worker: receipt stays fast (the vendor times out
 * and retries slow endpoints) and never depends on the order's state.
 */
export function createWebhookRoute(options: WebhookRouteOptions): ExtraRoute {
  const { logger } = options;
  return async (req, res, requestId) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== options.path) return false;
    const refuse = (status: number, reason: string, message: string) => {
      logger.warn({ requestId, status, reason, webhookId: String(req.headers['webhook-id'] ?? '').slice(0, 80) }, 'webhook delivery refused');
      answer(res, status, { error: { code: reason, message } });
      return true;
    };
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return refuse(405, 'method_not_allowed', 'webhooks are delivered with POST');
    }
    if (!options.isReady()) {
      answer(res, 503, { error: { code: 'not_ready', message: 'not accepting deliveries now; retry later' } }, { 'retry-after': '1' });
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
    const event = webhookEvent.safeParse(json);
    if (!event.success) return refuse(400, 'invalid_event', 'the body is not an event (id, type, created, data.object)');
    if (event.data.id !== req.headers['webhook-id']) return refuse(400, 'invalid_event', 'webhook-id is not the event id');

    const record = options.record();
    if (record === null) {
      answer(res, 503, { error: { code: 'not_ready', message: 'not accepting deliveries now; retry later' } }, { 'retry-after': '1' });
      return true;
    }
    let stored: boolean;
    try {
      stored = await record({ id: event.data.id, type: event.data.type, payload: json });
    } catch (err) {
      // Not acknowledged, so the vendor delivers it again: nothing is lost while the store is down.
      logger.error({ requestId, err, eventId: event.data.id }, 'webhook not stored: answering 503 so that the vendor retries');
      answer(res, 503, { error: { code: 'store_unavailable', message: 'not stored; retry later' } }, { 'retry-after': '5' });
      return true;
    }
    logger.info({ requestId, eventId: event.data.id, type: event.data.type, duplicate: !stored }, stored ? 'webhook stored' : 'webhook duplicate acknowledged');
    answer(res, 200, { received: true, duplicate: !stored });
    return true;
  };
}
