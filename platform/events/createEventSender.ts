import { Pool } from '../http/undiciPool.js';
import { Webhook } from 'standardwebhooks';
import type { Logger } from '../log/createLogger.js';
import type { EventDelivery } from './EventDelivery.js';
import type { ServiceEvent } from './ServiceEvent.js';

export interface EventSenderOptions {
  /** The consumer's events endpoint, `<NAME>_EVENTS_URL` (e.g. http://127.0.0.1:4005/events). */
  readonly url: string;
  /** `<NAME>_EVENTS_SECRET`: one of the consumer's `…_EVENTS_SECRETS`. */
  readonly secret: string;
  /** The whole attempt (connect, answer, body) past which it is abandoned as `retry`. */
  readonly timeoutMs: number;
  /** Keep-alive connections to the consumer. Default 4. */
  readonly connections?: number;
  readonly logger: Logger;
}

export interface EventSender {
  /** One attempt; never throws for a delivery problem (the outcome says what to do next). */
  send(event: ServiceEvent, requestId?: string): Promise<EventDelivery>;
  close(): Promise<void>;
}

/** Enough of an answer's body to see `duplicate` and to log a refusal; past it the socket is dropped. */
const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * Delivers service events to a consumer as signed POSTs (Standard Webhooks through the
 * library: `webhook-id` = the event id, so the consumer deduplicates by it). One undici
 * keep-alive pool for the consumer's origin, a hard deadline per attempt. Retrying is the
 * caller's business (a durable outbox, or a bounded in-process publisher): this only says
 * whether another attempt can help.
 */
export function createEventSender(options: EventSenderOptions): EventSender {
  const target = new URL(options.url);
  const path = `${target.pathname}${target.search}`;
  const signer = new Webhook(options.secret);
  const pool = new Pool(target.origin, {
    connections: options.connections ?? 4,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: { timeout: options.timeoutMs },
  });
  const logger = options.logger.child({ eventsTo: target.origin });

  async function send(event: ServiceEvent, requestId?: string): Promise<EventDelivery> {
    const body = JSON.stringify(event);
    const at = new Date();
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const res = await pool.request({
        method: 'POST',
        path,
        headers: {
          'content-type': 'application/json',
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signer.sign(event.id, at, body),
          ...(requestId !== undefined ? { 'x-request-id': requestId } : {}),
        },
        body,
        signal,
      });
      const text = await readCapped(res.body);
      const status = res.statusCode;
      if (status >= 200 && status < 300) return isDuplicate(text) ? { outcome: 'duplicate' } : { outcome: 'delivered' };
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) return { outcome: 'refused', status, reason: reasonOf(text, status) };
      const afterMs = retryAfterMs(res.headers['retry-after']);
      return { outcome: 'retry', status, reason: reasonOf(text, status), ...(afterMs !== undefined ? { afterMs } : {}) };
    } catch (err) {
      // A timeout, a refused or reset connection, a closed pool: the consumer may never have seen it, or stored it and lost the answer; both are retried (it deduplicates).
      const reason = signal.aborted ? 'timeout' : errorCode(err);
      logger.debug({ eventId: event.id, reason }, 'service event not delivered');
      return { outcome: 'retry', reason };
    }
  }

  return {
    send,
    close: () => pool.close(),
  };
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isDuplicate(text: string): boolean {
  try {
    return (JSON.parse(text) as { duplicate?: unknown } | null)?.duplicate === true;
  } catch {
    return false;
  }
}

/** The consumer's error code (`{ error: { code } }`, as createEventRoute answers), else the status. */
function reasonOf(text: string, status: number): string {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } } | null)?.error?.code;
    if (typeof code === 'string') return code.slice(0, 80);
  } catch {
    // not JSON: the status says enough
  }
  return `http_${status}`;
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : 'error';
}

/** `Retry-After` in ms: delay-seconds or an HTTP-date (RFC 9110); anything else is ignored. */
function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
