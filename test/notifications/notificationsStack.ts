import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Database } from '../../platform/db/Database.js';
import type { ServiceEvent } from '../../platform/events/ServiceEvent.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { SANDBOX_EVENTS_SECRET, subgraphEntry } from '../../platform/registry/services.js';
import { startSandbox, type Sandbox } from '../../vendors/startSandbox.js';
import { startStack, type GraphQLResult, type Stack } from '../harness/startStack.js';

export interface NotificationsStack {
  readonly stack: Stack;
  readonly sandbox: Sandbox;
  /** The notifications service's events route, as producers reach it. */
  readonly eventsUrl: string;
  /** A GraphQL request through the gateway as user `sub` (null: anonymous). */
  as(sub: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult>;
  /** The service's own database, through the running service. */
  db(): Database;
  close(): Promise<void>;
}

const silent = createLogger({ service: 'test', level: 'silent' });

/** The whole stack (sandbox, every subgraph, the gateway) on port 0; `env` reaches every service. */
export async function startNotificationsStack(options: { env?: Record<string, string> } = {}): Promise<NotificationsStack> {
  const sandbox = await startSandbox({ host: '127.0.0.1' });
  let stack: Stack;
  try {
    stack = await startStack({ sandbox, env: options.env });
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  const notifications = stack.subgraph('notifications');
  const tokens = new Map<string, string>();
  return {
    stack,
    sandbox,
    eventsUrl: `${notifications.http.origin}${subgraphEntry('notifications').eventsPath ?? '/events'}`,
    async as(sub, query, variables) {
      if (sub === null) return stack.query(query, variables);
      let token = tokens.get(sub);
      if (token === undefined) tokens.set(sub, (token = await sandbox.identity.oidc.signAccessToken({ sub })));
      return stack.query(query, variables, { authorization: `Bearer ${token}` });
    },
    db() {
      // The per-request context is the only handle on the service's store from outside; no viewer needed.
      const context = notifications.service.createContext({ requestId: `test-${randomUUID()}`, logger: silent, viewer: null });
      return (context as { stores: () => { db: Database } }).stores().db;
    },
    async close() {
      try {
        await stack.close();
      } finally {
        await sandbox.close();
      }
    },
  };
}

/** A fresh APNs device token (64 hex, lower case as APNs hands them out). */
export const apnsToken = (): string => randomBytes(32).toString('hex');

/** A fresh FCM registration token, FCM-shaped (the sandbox takes 100..256 of [A-Za-z0-9_:-]). */
export const fcmToken = (): string => `${randomBytes(11).toString('base64url')}:APA91b${randomBytes(105).toString('base64url')}`;

/** An order event as payments emits it (one id per order state). */
export function orderEvent(orderId: string, userId: string, status: 'PAID' | 'FAILED' | 'REFUNDED'): ServiceEvent {
  const type = { PAID: 'order.paid', FAILED: 'order.payment_failed', REFUNDED: 'order.refunded' }[status];
  return { id: `order:${orderId}:${status}`, type, occurredAt: new Date().toISOString(), data: { orderId, userId, status } };
}

/** A review event as reviews emits it. */
export function reviewEvent(reviewId: string, productId: string, authorId: string, at = new Date()): ServiceEvent {
  return { id: `review:${reviewId}`, type: 'review.created', occurredAt: at.toISOString(), data: { reviewId, productId, authorId } };
}

/** POSTs `event` to the events route, signed as a producer signs it (Standard Webhooks, the sandbox's events secret). */
export async function postEvent(url: string, event: ServiceEvent, secret = SANDBOX_EVENTS_SECRET): Promise<{ status: number; body: unknown }> {
  const body = JSON.stringify(event);
  const at = new Date();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': event.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(event.id, at, body),
    },
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: res.status, body: parsed };
}

/** Polls `probe` until it returns something other than undefined; throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the event is processed (every push decided); returns its deliveries by status. */
export async function waitForProcessed(db: Database, eventId: string, timeoutMs?: number): Promise<{ device_token: string; status: string; attempts: number }[]> {
  await waitFor(`event ${eventId} processed`, async () => {
    const { rows } = await db.query<{ processed_at: unknown }>('SELECT processed_at FROM events WHERE id = $1', [eventId]);
    return rows[0]?.processed_at ? true : undefined;
  }, timeoutMs);
  const { rows } = await db.query<{ device_token: string; status: string; attempts: number }>(
    'SELECT device_token, status, attempts FROM deliveries WHERE event_id = $1 ORDER BY device_token',
    [eventId],
  );
  return rows.map((r) => ({ ...r, attempts: Number(r.attempts) }));
}
