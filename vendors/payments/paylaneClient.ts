/**
 * Plain `fetch` calls to Paylane for the demo phone app, tests and benchmarks: the phone's
 * payment sheet, a few server calls, and the sandbox's webhook controls. Every function
 * answers a typed result or throws a `PaylaneClientError` naming the call and the status.
 * Subgraphs do not use this: they reach Paylane through the kit.
 */
import { randomUUID } from 'node:crypto';
import type {
  CardPaymentMethod,
  Customer,
  EphemeralKey,
  EventType,
  PaylaneEvent,
  PaylaneList,
  PaymentIntent,
  PaymentIntentClientView,
  Refund,
} from './paylaneObjects.js';
import type { WebhookStatus } from './webhooks/WebhookDispatcher.js';
import type { WebhookFaults } from './webhooks/webhookFaults.js';
import { fetchJson } from '../sandbox/fetchJson.js';

export type { WebhookAttempt, WebhookStatus } from './webhooks/WebhookDispatcher.js';
export type { WebhookFaults } from './webhooks/webhookFaults.js';

/** A Stripe test method id (`pm_card_visa`, …), a saved card's `pm_…`, or a card number. */
export type PaymentMethodInput = string | { card: { number: string } };

export type ConfirmResult =
  | { outcome: 'succeeded' | 'requires_action'; intent: PaymentIntentClientView }
  | { outcome: 'declined'; declineCode: string; message: string; intent: PaymentIntentClientView };

export class PaylaneClientError extends Error {
  constructor(
    readonly call: string,
    readonly status: number,
    /** The answer's JSON (or text) body. */
    readonly body: unknown,
  ) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const why = error === undefined ? JSON.stringify(body)?.slice(0, 300) : `${String(error.code ?? '')} ${String(error.message ?? '')}`.trim();
    super(`Paylane ${call}: unexpected HTTP ${status}: ${why}`);
    this.name = 'PaylaneClientError';
  }
}

interface Call {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses answered as results rather than thrown; default [200]. */
  expect?: number[];
}

async function call<T>(name: string, url: string, options: Call = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const answer = await fetchJson(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!(options.expect ?? [200]).includes(answer.status)) throw new PaylaneClientError(name, answer.status, answer.body);
  return { ...answer, body: answer.body as T };
}

const path = (segment: string): string => encodeURIComponent(segment);
const server = (serverKey: string, idempotencyKey?: string): Record<string, string> => ({
  authorization: `Bearer ${serverKey}`,
  ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
});

// ── The phone (client secret, ephemeral key) ──────────────────────────────────────────────

export async function confirmPayment(baseUrl: string, intentId: string, clientSecret: string, paymentMethod: PaymentMethodInput): Promise<ConfirmResult> {
  const { status, body } = await call<PaymentIntentClientView & { error?: { decline_code: string; message: string; payment_intent: PaymentIntentClientView } }>(
    'confirm',
    `${baseUrl}/v1/payment_intents/${path(intentId)}/confirm`,
    { body: { client_secret: clientSecret, payment_method: paymentMethod }, expect: [200, 402] },
  );
  if (status === 402 && body.error !== undefined) {
    return { outcome: 'declined', declineCode: body.error.decline_code, message: body.error.message, intent: body.error.payment_intent };
  }
  return { outcome: body.status === 'succeeded' ? 'succeeded' : 'requires_action', intent: body };
}

export async function authenticatePayment(baseUrl: string, intentId: string, clientSecret: string, result: 'approve' | 'deny'): Promise<PaymentIntentClientView> {
  return (await call<PaymentIntentClientView>('authenticate', `${baseUrl}/v1/payment_intents/${path(intentId)}/authenticate`, { body: { client_secret: clientSecret, result } })).body;
}

export async function retrieveClientIntent(baseUrl: string, intentId: string, clientSecret: string): Promise<PaymentIntentClientView> {
  const url = `${baseUrl}/v1/payment_intents/${path(intentId)}/client?client_secret=${encodeURIComponent(clientSecret)}`;
  return (await call<PaymentIntentClientView>('retrieve client intent', url)).body;
}

export async function listPaymentMethods(baseUrl: string, customerId: string, ephemeralKey: string): Promise<CardPaymentMethod[]> {
  const url = `${baseUrl}/v1/customers/${path(customerId)}/payment_methods`;
  return (await call<PaylaneList<CardPaymentMethod>>('list payment methods', url, { headers: { authorization: `Bearer ${ephemeralKey}` } })).body.data;
}

// ── Our backend (server key); POSTs get a fresh idempotency key unless given one ──────────

export async function createCustomer(baseUrl: string, serverKey: string, metadata: Record<string, string> = {}, idempotencyKey = randomUUID()): Promise<Customer> {
  return (await call<Customer>('create customer', `${baseUrl}/v1/customers`, { body: { metadata }, headers: server(serverKey, idempotencyKey) })).body;
}

export async function createEphemeralKey(baseUrl: string, serverKey: string, customerId: string, idempotencyKey = randomUUID()): Promise<EphemeralKey> {
  return (await call<EphemeralKey>('create ephemeral key', `${baseUrl}/v1/ephemeral_keys`, { body: { customer: customerId }, headers: server(serverKey, idempotencyKey) })).body;
}

export async function createPaymentIntent(
  baseUrl: string,
  serverKey: string,
  input: { amount: number; currency: string; customer?: string; metadata?: Record<string, string> },
  idempotencyKey = randomUUID(),
): Promise<PaymentIntent> {
  return (await call<PaymentIntent>('create payment intent', `${baseUrl}/v1/payment_intents`, { body: input, headers: server(serverKey, idempotencyKey) })).body;
}

export async function getIntent(baseUrl: string, serverKey: string, intentId: string): Promise<PaymentIntent> {
  return (await call<PaymentIntent>('get payment intent', `${baseUrl}/v1/payment_intents/${path(intentId)}`, { headers: server(serverKey) })).body;
}

export async function refund(baseUrl: string, serverKey: string, intentId: string, amount?: number, idempotencyKey = randomUUID()): Promise<Refund> {
  const body = amount === undefined ? { payment_intent: intentId } : { payment_intent: intentId, amount };
  return (await call<Refund>('refund', `${baseUrl}/v1/refunds`, { body, headers: server(serverKey, idempotencyKey) })).body;
}

export async function listEvents(
  baseUrl: string,
  serverKey: string,
  options: { limit?: number; startingAfter?: string; type?: EventType | `${string}.*` } = {},
): Promise<PaylaneList<PaylaneEvent>> {
  const query = new URLSearchParams();
  if (options.limit !== undefined) query.set('limit', String(options.limit));
  if (options.startingAfter !== undefined) query.set('starting_after', options.startingAfter);
  if (options.type !== undefined) query.set('type', options.type);
  return (await call<PaylaneList<PaylaneEvent>>('list events', `${baseUrl}/v1/events?${query}`, { headers: server(serverKey) })).body;
}

// ── The sandbox's webhook controls (no key) ───────────────────────────────────────────────

const W = '/__sandbox/webhooks';

export async function setWebhookEndpoint(baseUrl: string, url: string | null): Promise<{ url: string | null }> {
  return (await call<{ url: string | null }>('set webhook endpoint', `${baseUrl}${W}/endpoint`, { method: 'PUT', body: { url } })).body;
}

export async function setWebhookFaults(baseUrl: string, faults: Partial<WebhookFaults>): Promise<WebhookFaults> {
  return (await call<WebhookFaults>('set webhook faults', `${baseUrl}${W}/faults`, { method: 'PUT', body: faults })).body;
}

export async function resetWebhookFaults(baseUrl: string): Promise<WebhookFaults> {
  return (await call<WebhookFaults>('reset webhook faults', `${baseUrl}${W}/faults`, { method: 'DELETE' })).body;
}

export async function webhookStatus(baseUrl: string): Promise<WebhookStatus> {
  return (await call<WebhookStatus>('webhook status', `${baseUrl}${W}`)).body;
}

/** Clears the attempt log and the delivered/failed/dropped counters. */
export async function clearWebhookLog(baseUrl: string): Promise<WebhookStatus> {
  return (await call<WebhookStatus>('clear webhook log', `${baseUrl}${W}`, { method: 'DELETE' })).body;
}

/** Polls until no delivery is pending (all delivered, failed or dropped); throws after `timeoutMs` (default 10 s). */
export async function waitForWebhooksIdle(baseUrl: string, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<WebhookStatus> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const status = await webhookStatus(baseUrl);
    if (status.pending === 0) return status;
    if (Date.now() >= deadline) throw new Error(`Paylane webhooks still pending after ${options.timeoutMs ?? 10_000} ms: ${status.pending} deliveries`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}

export async function rollWebhookSecret(baseUrl: string): Promise<{ secret: string; active: number }> {
  return (await call<{ secret: string; active: number }>('roll webhook secret', `${baseUrl}${W}/secrets/roll`, { method: 'POST' })).body;
}

export async function expireWebhookSecrets(baseUrl: string): Promise<{ active: number }> {
  return (await call<{ active: number }>('expire webhook secrets', `${baseUrl}${W}/secrets/expire`, { method: 'POST' })).body;
}

export async function resendEvent(baseUrl: string, eventId: string): Promise<void> {
  await call('resend event', `${baseUrl}${W}/resend`, { method: 'POST', body: { eventId } });
}
