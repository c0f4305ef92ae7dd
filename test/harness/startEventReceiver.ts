import { randomUUID } from 'node:crypto';
import { createEventRoute } from '../../platform/events/createEventRoute.js';
import type { ServiceEvent } from '../../platform/events/ServiceEvent.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { startHttpServer, type RunningHttpServer } from '../../platform/http/startHttpServer.js';
import { SANDBOX_EVENTS_SECRET } from '../../platform/registry/services.js';

export interface ReceivedDelivery {
  readonly headers: Record<string, string | string[] | undefined>;
  /** What the receiver answered. */
  readonly status: number;
}

export interface EventReceiver {
  /** Where producers deliver: `<origin><path>`. */
  readonly url: string;
  readonly origin: string;
  /** Events stored, each once, in the order they were first stored. */
  readonly events: readonly ServiceEvent[];
  /** Every delivery that reached the server (refused, failed and duplicate ones too). */
  readonly deliveries: readonly ReceivedDelivery[];
  /** Answer every delivery with this status (and `Retry-After: retryAfterS`) instead of receiving it; null: receive normally. */
  answerWith(status: number | null, retryAfterS?: number): void;
  /** The store fails (the route answers 503) until set back to false. */
  storeDown(down: boolean): void;
  /** Not ready (the route answers 503) until set back to true. */
  ready(ready: boolean): void;
  close(): Promise<void>;
}

/**
 * A consumer's events endpoint on loopback port 0: the platform's real `createEventRoute`
 * (signature, timestamp, envelope) over an in-memory store keyed by event id, so a test
 * counts what a producer actually delivered, as a consumer would have stored it.
 */
export async function startEventReceiver(options: { secrets?: readonly string[]; path?: string; maxBodyBytes?: number } = {}): Promise<EventReceiver> {
  const path = options.path ?? '/events';
  const stored = new Map<string, ServiceEvent>();
  const deliveries: ReceivedDelivery[] = [];
  let override: { status: number; retryAfterS: number | undefined } | null = null;
  let down = false;
  let isReady = true;
  const route = createEventRoute({
    path,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
    secrets: options.secrets ?? [SANDBOX_EVENTS_SECRET],
    isReady: () => isReady,
    logger: createLogger({ service: 'event-receiver', level: 'silent' }),
    record: () => async (event) => {
      if (down) throw new Error('store down');
      if (stored.has(event.id)) return false;
      stored.set(event.id, event);
      return true;
    },
  });
  const http: RunningHttpServer = await startHttpServer(
    (req, res) => {
      res.on('finish', () => deliveries.push({ headers: { ...req.headers }, status: res.statusCode }));
      if (override !== null) {
        req.resume();
        res.writeHead(override.status, override.retryAfterS === undefined ? {} : { 'retry-after': String(override.retryAfterS) });
        res.end(JSON.stringify({ error: { code: 'test_override' } }));
        return;
      }
      void Promise.resolve(route(req, res, `receiver-${randomUUID()}`)).then((handled) => {
        if (!handled) {
          res.writeHead(404);
          res.end();
        }
      });
    },
    { host: '127.0.0.1', port: 0 },
  );
  return {
    url: `${http.origin}${path}`,
    origin: http.origin,
    get events() {
      return [...stored.values()];
    },
    get deliveries() {
      return [...deliveries];
    },
    answerWith(status, retryAfterS) {
      override = status === null ? null : { status, retryAfterS };
    },
    storeDown(value) {
      down = value;
    },
    ready(value) {
      isReady = value;
    },
    close: () => http.close(0),
  };
}
