import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Database } from '../../platform/db/Database.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { sandboxVendorEntry } from '../../platform/registry/services.js';
import type { PaylaneEvent } from '../../vendors/payments/paylaneObjects.js';
import { listEvents, resetWebhookFaults, waitForWebhooksIdle } from '../../vendors/payments/paylaneClient.js';
import { startSandbox, type Sandbox } from '../../vendors/startSandbox.js';
import { createSandboxPhone, type SandboxPhone } from '../app/sandboxPhone.js';
import { startStack, type Stack, type StackOptions } from '../harness/startStack.js';

/** The sandbox's default signing secret: what the payments subgraph verifies with unless configured otherwise. */
export const DEFAULT_SECRET = sandboxVendorEntry('payments').secrets?.[0] as string;

/** USD products in stock: prod_0001 (130.99), prod_0003 (3.99), prod_0004 (360.99). */
export const CART = [
  { productId: 'prod_0001', quantity: 2 },
  { productId: 'prod_0003', quantity: 1 },
] as const;

export interface PaymentsStack {
  readonly stack: Stack;
  readonly sandbox: Sandbox;
  /** The payment vendor's base URL and server key (what only our backend holds). */
  readonly vendorUrl: string;
  readonly serverKey: string;
  /** The payments subgraph's webhook endpoint. */
  readonly webhookUrl: string;
  /** A phone signed in as `sub`. */
  phone(sub: string): Promise<SandboxPhone>;
  /** The payments service's own database (orders, inbox, order_transitions), through the running service. */
  db(): Database;
  close(): Promise<void>;
}

const silent = createLogger({ service: 'test', level: 'silent' });

/**
 * The whole stack on a sandbox whose payment vendor retries webhooks fast (20 ms base), so a
 * refused delivery's retry lands within a test. `sandbox` reuses one (the caller closes it).
 */
export async function startPaymentsStack(options: { env?: Record<string, string>; sandbox?: Sandbox } = {}): Promise<PaymentsStack> {
  const sandbox = options.sandbox ?? (await startSandbox({ vendors: { payments: { webhookRetryBaseMs: 20 } } }));
  let stack: Stack;
  try {
    stack = await startStack({ sandbox, env: options.env } satisfies StackOptions);
  } catch (err) {
    if (options.sandbox === undefined) await sandbox.close();
    throw err;
  }
  const vendor = sandbox.vendor('payments');
  const payments = stack.subgraph('payments');
  return {
    stack,
    sandbox,
    vendorUrl: vendor.url,
    serverKey: vendor.apiKey,
    webhookUrl: `${payments.http.origin}/webhooks/payments`,
    async phone(sub) {
      const accessToken = await sandbox.identity.oidc.signAccessToken({ sub });
      return createSandboxPhone({ gatewayUrl: stack.gatewayUrl, paymentsUrl: vendor.url, accessToken });
    },
    db() {
      // The service's per-request context is the only handle on its store from outside; no viewer needed.
      const context = payments.service.createContext({ requestId: `test-${randomUUID()}`, logger: silent, viewer: null });
      return (context as { checkout: () => { store: { db: Database } } }).checkout().store.db;
    },
    async close() {
      try {
        await stack.close();
      } finally {
        if (options.sandbox === undefined) await sandbox.close();
      }
    },
  };
}

export const intentIdOf = (clientSecret: string): string => clientSecret.slice(0, clientSecret.indexOf('_secret_'));

/** Polls `probe` until it returns something other than undefined; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface InboxRow {
  event_id: string;
  type: string;
  processed_at: unknown;
  outcome: string | null;
  applications: number;
}

export async function inboxCount(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: number | string }>('SELECT count(*) AS n FROM inbox');
  return Number(rows[0]?.n);
}

export async function inboxRows(db: Database, eventIds: readonly string[]): Promise<InboxRow[]> {
  const { rows } = await db.query<InboxRow>('SELECT event_id, type, processed_at, outcome, applications FROM inbox WHERE event_id = ANY($1::text[]) ORDER BY event_id', [
    eventIds,
  ]);
  return rows.map((r) => ({ ...r, applications: Number(r.applications) }));
}

/** Waits until every one of `eventIds` is in the inbox and processed; returns their rows. */
export function waitForProcessed(db: Database, eventIds: readonly string[]): Promise<InboxRow[]> {
  return waitFor(`inbox events ${eventIds.join(', ')} processed`, async () => {
    const rows = await inboxRows(db, eventIds);
    return rows.length === new Set(eventIds).size && rows.every((r) => r.processed_at !== null) ? rows : undefined;
  });
}

export interface Transition {
  from_status: string;
  to_status: string;
  source: string;
  event_id: string | null;
}

export async function transitions(db: Database, orderId: string): Promise<Transition[]> {
  const { rows } = await db.query<Transition>('SELECT from_status, to_status, source, event_id FROM order_transitions WHERE order_id = $1 ORDER BY id', [orderId]);
  return rows;
}

/** Every event the vendor emitted about this intent (its own and its charge's), oldest first. */
export async function eventsOfIntent(p: Pick<PaymentsStack, 'vendorUrl' | 'serverKey'>, intentId: string): Promise<PaylaneEvent[]> {
  const all: PaylaneEvent[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await listEvents(p.vendorUrl, p.serverKey, { limit: 100, ...(startingAfter === undefined ? {} : { startingAfter }) });
    all.push(...page.data);
    if (!page.has_more || page.data.length === 0) break;
    startingAfter = page.data.at(-1)?.id;
  }
  const about = (e: PaylaneEvent): boolean => {
    const object = e.data.object as { id: string; payment_intent?: string };
    return object.id === intentId || object.payment_intent === intentId;
  };
  return all.filter(about).reverse();
}

export function eventOfType(events: readonly PaylaneEvent[], type: string): PaylaneEvent {
  const found = events.filter((e) => e.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type} event, found ${found.length}`);
  return found[0] as PaylaneEvent;
}

export interface Delivery {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Standard Webhooks headers for `body`, signed with `secrets` (default: the sandbox's) at `at`. */
export function signed(body: string, options: { id?: string; at?: Date; secrets?: readonly string[] } = {}): Delivery {
  const id = options.id ?? (JSON.parse(body) as { id: string }).id;
  const at = options.at ?? new Date();
  const signature = (options.secrets ?? [DEFAULT_SECRET]).map((s) => new Webhook(s).sign(id, at, body)).join(' ');
  return { body, headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature } };
}

/** POSTs a delivery to the webhook endpoint as a vendor would; answers the status and JSON body. */
export async function deliver(url: string, delivery: Delivery, method = 'POST'): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...delivery.headers },
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: delivery.body }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: res.status, body, headers: res.headers };
}

/** A well-formed event about nothing of ours (the worker keeps it as `ignored`), with a fresh id. */
export function strayEvent(): { id: string; body: string } {
  const id = `evt_test${randomBytes(8).toString('hex')}`;
  const body = JSON.stringify({
    id,
    object: 'event',
    type: 'customer.updated',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: { object: { id: 'cus_test0001', object: 'customer' } },
  });
  return { id, body };
}

/** Back to delivering normally, and nothing left in flight (between tests). */
export async function settleWebhooks(p: Pick<PaymentsStack, 'vendorUrl'>): Promise<void> {
  await resetWebhookFaults(p.vendorUrl);
  await waitForWebhooksIdle(p.vendorUrl, { timeoutMs: 15_000 });
}
