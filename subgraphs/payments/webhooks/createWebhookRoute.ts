import type { IncomingHttpHeaders } from 'node:http';
import { createSignedRoute } from '../../../platform/events/createSignedRoute.js';
import type { Verification } from '../../../platform/events/verifyWebhook.js';
import type { ExtraRoute } from '../../../platform/http/createHttpHandler.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import { webhookEvent } from './webhookEvent.js';

export interface WebhookRouteOptions {
  /** e.g. '/webhooks/payments' (the registry's `webhookPath`). */
  readonly path: string;
  readonly maxBodyBytes: number;
  readonly verify: (body: Buffer, headers: IncomingHttpHeaders) => Verification;
  /** Writes the event durably (with its processing job) and resolves once committed; false = a duplicate. Null while the store is not open. */
  readonly record: () => ((event: { id: string; type: string; payload: unknown }) => Promise<boolean>) | null;
  readonly isReady: () => boolean;
  readonly logger: Logger;
}

/**
 * The payment vendor's webhook endpoint (HTTP, not GraphQL; the vendor, not the gateway,
 * calls it): the platform's signed-delivery receipt (see createSignedRoute) with the vendor's
 * event envelope. The whole vendor event is kept: the inbox worker reads its object later,
 * so receipt never depends on the order's state.
 */
export function createWebhookRoute(options: WebhookRouteOptions): ExtraRoute {
  return createSignedRoute({
    ...options,
    noun: 'webhook',
    parse(json) {
      const event = webhookEvent.safeParse(json);
      if (!event.success) return { ok: false, message: 'the body is not an event (id, type, created, data.object)' };
      return { ok: true, id: event.data.id, type: event.data.type, value: { id: event.data.id, type: event.data.type, payload: json } };
    },
  });
}
