import { CONTROL_PREFIX } from '../../sandbox/handleControl.js';
import type { ControlRoute } from '../../sandbox/types.js';
import { VendorHttpError } from '../../sandbox/VendorHttpError.js';
import type { EventLog } from '../EventLog.js';
import type { WebhookDispatcher } from './WebhookDispatcher.js';
import { validateWebhookFaults } from './webhookFaults.js';

const W = `${CONTROL_PREFIX}/webhooks`;

const refuse = (type: string, message: string, details?: Record<string, unknown>) => new VendorHttpError(400, type, message, details);

/** An absolute http(s) URL, or null to stop delivering. */
export function webhookUrl(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // refused below
    }
  }
  throw refuse('invalid_endpoint', `url must be an absolute http(s) URL or null, got ${JSON.stringify(value)?.slice(0, 200)}`);
}

const objectBody = (body: unknown, what: string): Record<string, unknown> => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw refuse('invalid_body', `body must be a JSON object: ${what}`);
  return body as Record<string, unknown>;
};

/**
 * `/__sandbox/webhooks…`: where to deliver, delivery faults, signing secret rotation,
 * redelivery and the attempt log. `PUT /__sandbox/webhooks/endpoint` is the same on every
 * webhook-sending vendor: the test harness points vendors at subgraphs listening on port 0 with it.
 */
export function webhookControlRoutes(webhooks: WebhookDispatcher, events: EventLog): ControlRoute[] {
  return [
    {
      method: 'PUT',
      path: `${W}/endpoint`,
      handle: ({ body }) => webhooks.setEndpoint(webhookUrl(objectBody(body, '{ "url": string | null }').url)),
    },
    { method: 'GET', path: `${W}/endpoint`, handle: () => ({ url: webhooks.endpoint() }) },
    { method: 'GET', path: W, handle: () => webhooks.status() },
    {
      method: 'DELETE',
      path: W,
      handle: () => {
        webhooks.clearLog();
        return webhooks.status();
      },
    },
    { method: 'GET', path: `${W}/faults`, handle: () => webhooks.status().faults },
    {
      method: 'PUT',
      path: `${W}/faults`,
      handle: ({ body }) => {
        const checked = validateWebhookFaults(body);
        if (!checked.ok) throw refuse('invalid_faults', checked.problems.join('; '), { problems: checked.problems });
        return webhooks.setFaults(checked.value);
      },
    },
    { method: 'DELETE', path: `${W}/faults`, handle: () => webhooks.resetFaults() },
    { method: 'POST', path: `${W}/secrets/roll`, handle: () => webhooks.rollSecret() },
    { method: 'POST', path: `${W}/secrets/expire`, handle: () => webhooks.expireSecrets() },
    {
      method: 'POST',
      path: `${W}/resend`,
      handle: ({ body }) => {
        const { eventId } = objectBody(body, '{ "eventId": "evt_…" }');
        if (typeof eventId !== 'string') throw refuse('invalid_body', 'eventId must be a string');
        const event = events.get(eventId);
        if (event === undefined) throw new VendorHttpError(404, 'not_found', `no event ${JSON.stringify(eventId.slice(0, 100))}`);
        if (webhooks.endpoint() === null) throw refuse('no_endpoint', 'no webhook endpoint is set; PUT /__sandbox/webhooks/endpoint first');
        webhooks.resend(event);
        return { eventId, resent: true };
      },
    },
  ];
}
