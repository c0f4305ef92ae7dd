import type { Logger } from '../log/createLogger.js';
import type { EventSender } from './createEventSender.js';
import type { ServiceEvent } from './ServiceEvent.js';

export interface EventPublisherOptions {
  readonly sender: EventSender;
  /** Attempts per event, the first included. Default 5. */
  readonly attempts?: number;
  /** Wait before the second attempt; doubles after each (with jitter). Default 2000 (ms): 5 attempts span ~30 s. */
  readonly baseDelayMs?: number;
  /** Longest wait between attempts, also for a consumer's Retry-After. Default 16000 (ms). */
  readonly maxDelayMs?: number;
  /** Events waiting for a retry at once; past it a new one that fails is dropped. Default 1000. */
  readonly maxPending?: number;
  readonly logger: Logger;
}

export interface EventPublisher {
  /** Starts delivering in the background and returns at once: the caller never waits for, or fails because of, the consumer. */
  publish(event: ServiceEvent, requestId?: string): void;
  /** Stops retrying (what was still waiting is logged as dropped), waits for attempts in flight, closes the sender. */
  close(): Promise<void>;
}

/**
 * For a producer with no store of its own (reviews): delivers each event in the background,
 * retrying `retry` outcomes a bounded number of times with backoff, in memory. What it could
 * not deliver (refused, attempts used up, too many waiting, the process stopping) is logged
 * as an error with the event's id, and is lost: a producer that must not lose events keeps
 * an outbox in its database instead (payments).
 */
export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const { sender, logger } = options;
  const attempts = options.attempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 2000;
  const maxDelayMs = options.maxDelayMs ?? 16_000;
  const maxPending = options.maxPending ?? 1000;
  const waiting = new Map<NodeJS.Timeout, ServiceEvent>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  let closing: Promise<void> | undefined;

  const drop = (event: ServiceEvent, why: string, extra: Record<string, unknown> = {}) =>
    logger.error({ eventId: event.id, type: event.type, why, ...extra }, 'service event dropped');

  const attempt = (event: ServiceEvent, n: number, requestId: string | undefined): void => {
    const run = (async () => {
      const delivery = await sender.send(event, requestId);
      if (delivery.outcome === 'delivered' || delivery.outcome === 'duplicate') {
        logger.info({ eventId: event.id, type: event.type, attempt: n }, 'service event delivered');
        return;
      }
      if (delivery.outcome === 'refused') return drop(event, 'refused by its consumer', { status: delivery.status, reason: delivery.reason });
      if (n >= attempts) return drop(event, `not delivered after ${attempts} attempts`, { status: delivery.status, reason: delivery.reason });
      if (closed) return drop(event, 'the process is stopping', { reason: delivery.reason });
      if (waiting.size >= maxPending) return drop(event, `more than ${maxPending} events waiting for a retry`, { reason: delivery.reason });
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1) * (0.5 + Math.random() / 2));
      const delay = Math.min(maxDelayMs, Math.max(backoff, delivery.afterMs ?? 0));
      logger.warn({ eventId: event.id, type: event.type, attempt: n, reason: delivery.reason, retryInMs: Math.round(delay) }, 'service event not delivered: will retry');
      const timer = setTimeout(() => {
        waiting.delete(timer);
        attempt(event, n + 1, requestId);
      }, delay);
      // A retry waiting does not keep the process alive; close() accounts for it.
      timer.unref();
      waiting.set(timer, event);
    })().catch((err: unknown) => drop(event, 'unexpected error', { err }));
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  };

  return {
    publish(event, requestId) {
      if (closed) return drop(event, 'the process is stopping');
      attempt(event, 1, requestId);
    },
    close() {
      closed = true;
      closing ??= (async () => {
        for (const [timer, event] of waiting) {
          clearTimeout(timer);
          drop(event, 'the process is stopping');
        }
        waiting.clear();
        await Promise.allSettled([...inFlight]);
        await sender.close();
      })();
      return closing;
    },
  };
}
