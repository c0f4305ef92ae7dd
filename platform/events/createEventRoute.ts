import type { ExtraRoute } from '../http/createHttpHandler.js';
import type { Logger } from '../log/createLogger.js';
import { createSignedRoute } from './createSignedRoute.js';
import { serviceEvent, type ServiceEvent } from './ServiceEvent.js';
import { createWebhookVerifier } from './verifyWebhook.js';

export interface EventRouteOptions {
  /** The consumer's `eventsPath` in the registry, e.g. '/events'. */
  readonly path: string;
  readonly maxBodyBytes: number;
  /** `<NAME>_EVENTS_SECRETS`: any one verifies (two during a rotation). */
  readonly secrets: readonly string[];
  /** Writes the event durably and resolves once committed; false = already stored (a duplicate). Null while the store is not open. */
  readonly record: () => ((event: ServiceEvent) => Promise<boolean>) | null;
  readonly isReady: () => boolean;
  readonly logger: Logger;
}

/**
 * Where a consumer receives other services' events (`ServiceEvent`, signed as Standard
 * Webhooks by the producer's outbox). Same receipt as a vendor's webhooks: 405 for anything
 * but POST; 503 with Retry-After while not ready or when the store fails; 413 past the cap;
 * 400 for missing headers, a bad signature, a stale timestamp, a body that is not JSON or not
 * a `serviceEvent`, or a `webhook-id` other than its id; 200 `{ received, duplicate }` once
 * committed. The producer retries everything but a 4xx, so nothing acknowledged is lost.
 */
export function createEventRoute(options: EventRouteOptions): ExtraRoute {
  return createSignedRoute<ServiceEvent>({
    path: options.path,
    maxBodyBytes: options.maxBodyBytes,
    verify: createWebhookVerifier(options.secrets),
    record: options.record,
    isReady: options.isReady,
    logger: options.logger,
    noun: 'service event',
    parse(json) {
      const event = serviceEvent.safeParse(json);
      if (!event.success) return { ok: false, message: 'the body is not a service event (id, type, occurredAt, data)' };
      return { ok: true, id: event.data.id, type: event.data.type, value: event.data };
    },
  });
}
