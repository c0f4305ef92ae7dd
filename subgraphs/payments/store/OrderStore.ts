import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../../../platform/db/Database.js';
import { keysetCursor, parseKeysetCursor } from '../../../platform/db/keysetCursor.js';
import type { ServiceEvent } from '../../../platform/events/ServiceEvent.js';
import { ORDER_ID, type Order, type OrderItem, type PaymentFact } from '../model.js';
import { advance, AWAITING_PAYMENT } from '../orderStatus.js';
import { orderEvent } from '../outbox/orderEvent.js';
import { ORDER_COLUMNS, toOrder, type OrderRow } from './orderRows.js';

/** How an applied fact or event ended; kept on the inbox row for support and tests. */
export type ApplyOutcome = 'applied' | 'no_change' | 'unknown_order' | 'mismatch' | 'ignored';

/** Where a status change came from. */
export type FactSource = 'webhook' | 'sync' | 'reconcile';

export interface NewOrder {
  readonly userId: string;
  readonly idempotencyKey: string;
  /** The items, canonical: a retry with the same key must send the same. */
  readonly fingerprint: string;
  readonly items: readonly OrderItem[];
  readonly amount: number;
  readonly currency: string;
}

export interface OrderPage {
  readonly orders: readonly Order[];
  readonly hasNextPage: boolean;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `ord_` + 20 random characters of [a-z0-9] (about 103 bits). */
export function newOrderId(): string {
  const bytes = randomBytes(20);
  let id = 'ord_';
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}

/** The myOrders cursor of an order (see platform/db/keysetCursor.ts). */
export function orderCursor(order: Order): string {
  return keysetCursor(order.createdAt, order.id);
}

/** Enqueues a service event inside the transaction that changed the order (the outbox): both commit or neither. */
export type EmitInTransaction = (tx: Queryable, event: ServiceEvent) => Promise<unknown>;

/** The payments service's records: orders, the users' vendor customers, and the webhook inbox. */
export class OrderStore {
  /**
   * `emit`: where an order's change to PAID, FAILED or REFUNDED is told (the runtime's
   * outbox). Without it nothing is told: for tools that measure the inbox alone.
   */
  constructor(
    readonly db: Database,
    private readonly emit: EmitInTransaction | null = null,
  ) {}

  /** The user's order, or null (none with that id, or another user's). */
  async order(userId: string, orderId: string): Promise<Order | null> {
    const { rows } = await this.db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 AND user_id = $2`, [orderId, userId]);
    return rows[0] === undefined ? null : toOrder(rows[0]);
  }

  /** The order of an earlier checkout with this key, with the fingerprint of its items. */
  async byIdempotencyKey(userId: string, key: string): Promise<{ order: Order; fingerprint: string } | null> {
    const { rows } = await this.db.query<OrderRow & { items_fingerprint: string }>(
      `SELECT ${ORDER_COLUMNS}, items_fingerprint FROM orders WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, key],
    );
    const row = rows[0];
    return row === undefined ? null : { order: toOrder(row), fingerprint: row.items_fingerprint };
  }

  /** Creates the order unless a concurrent retry with the same key already did; returns whichever exists. */
  async createOrder(order: NewOrder): Promise<{ order: Order; fingerprint: string }> {
    await this.db.query(
      `INSERT INTO orders (id, user_id, idempotency_key, items_fingerprint, status, items, amount, currency)
       VALUES ($1, $2, $3, $4, 'PENDING_PAYMENT', $5::jsonb, $6, $7)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING`,
      [newOrderId(), order.userId, order.idempotencyKey, order.fingerprint, JSON.stringify(order.items), order.amount, order.currency],
    );
    const created = await this.byIdempotencyKey(order.userId, order.idempotencyKey);
    if (created === null) throw new Error('order vanished right after it was written');
    return created;
  }

  /** Records the intent made for the order (once: a retry finds the same intent, by the vendor's idempotency key). */
  async setIntent(orderId: string, intentId: string): Promise<void> {
    await this.db.query('UPDATE orders SET intent_id = $2 WHERE id = $1 AND intent_id IS NULL', [orderId, intentId]);
  }

  async customerOf(userId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ customer_id: string }>('SELECT customer_id FROM customers WHERE user_id = $1', [userId]);
    return rows[0]?.customer_id ?? null;
  }

  async saveCustomer(userId: string, customerId: string): Promise<void> {
    await this.db.query('INSERT INTO customers (user_id, customer_id) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING', [userId, customerId]);
  }

  /** The user's orders, newest first. A malformed cursor → null (the caller's input error). */
  async ordersOf(userId: string, first: number, after: string | null): Promise<OrderPage | null> {
    const from = after === null ? null : parseKeysetCursor(after, ORDER_ID);
    if (after !== null && from === null) return null;
    const params: unknown[] = [userId, first + 1];
    let where = 'user_id = $1';
    if (from !== null) {
      params.push(from.createdAt, from.id);
      where += ' AND (created_at, id) < ($3::timestamptz, $4)';
    }
    const { rows } = await this.db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`, params);
    return { orders: rows.slice(0, first).map(toOrder), hasNextPage: rows.length > first };
  }

  /** The sync: applies what the vendor said about the order's intent, in one transaction. */
  async applyFact(fact: PaymentFact, source: FactSource): Promise<ApplyOutcome> {
    return this.db.transaction((tx) => applyFactIn(tx, fact, source, null, this.emit));
  }

  /**
   * Writes a verified webhook event to the inbox. Returns false for an event already there
   * (a duplicate delivery): nothing is written. `then` runs in the same transaction when
   * the row is new (the job that will process it), so both commit or neither does.
   */
  async recordEvent(event: { id: string; type: string; payload: unknown }, then: (tx: Queryable) => Promise<unknown>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rowCount } = await tx.query('INSERT INTO inbox (event_id, type, payload) VALUES ($1, $2, $3::jsonb) ON CONFLICT (event_id) DO NOTHING', [
        event.id,
        event.type,
        JSON.stringify(event.payload),
      ]);
      if (rowCount === 0) return false;
      await then(tx);
      return true;
    });
  }

  /**
   * Applies one inbox event exactly once in effect: the row is locked, and its processing
   * mark commits with the order's change. An event already processed (a second job, a
   * worker that died after committing) is left alone. Returns null when there is no such event.
   */
  async processEvent(eventId: string, factOf: (type: string, payload: unknown) => PaymentFact | null): Promise<ApplyOutcome | 'already_processed' | null> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ type: string; payload: unknown; processed_at: unknown }>(
        'SELECT type, payload, processed_at FROM inbox WHERE event_id = $1 FOR UPDATE',
        [eventId],
      );
      const row = rows[0];
      if (row === undefined) return null;
      if (row.processed_at !== null) return 'already_processed';
      const payload = typeof row.payload === 'string' ? (JSON.parse(row.payload) as unknown) : row.payload;
      const fact = factOf(row.type, payload);
      const outcome = fact === null ? 'ignored' : await applyFactIn(tx, fact, 'webhook', eventId, this.emit);
      await tx.query('UPDATE inbox SET processed_at = now(), outcome = $2, applications = applications + 1 WHERE event_id = $1', [eventId, outcome]);
      return outcome;
    });
  }

  /**
   * Orders that still await payment and have not changed (or been checked) for `olderThanMs`,
   * nor for a quarter of their age: the reconciler asks the vendor about them, ever less
   * often as they age, so that a pile of abandoned checkouts does not crowd out new ones.
   */
  async staleAwaiting(olderThanMs: number, limit: number): Promise<Order[]> {
    const { rows } = await this.db.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders
        WHERE status = ANY($1::text[]) AND intent_id IS NOT NULL
          AND created_at > now() - interval '7 days'
          AND greatest(updated_at, coalesce(checked_at, updated_at))
              < now() - greatest($2::int * interval '1 millisecond', (now() - created_at) / 4)
        ORDER BY greatest(updated_at, coalesce(checked_at, updated_at)) LIMIT $3`,
      [AWAITING_PAYMENT, olderThanMs, limit],
    );
    return rows.map(toOrder);
  }

  /** Inbox events received more than `olderThanMs` ago and still not applied (their job lost or given up). */
  async unprocessedEvents(olderThanMs: number, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ event_id: string }>(
      `SELECT event_id FROM inbox WHERE processed_at IS NULL AND received_at < now() - ($1::int * interval '1 millisecond')
        ORDER BY received_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map((r) => r.event_id);
  }

  /** Marks an order as checked with the vendor just now, so the reconciler moves on to others. */
  async markChecked(orderId: string): Promise<void> {
    await this.db.query('UPDATE orders SET checked_at = now() WHERE id = $1', [orderId]);
  }
}

/**
 * The one place an order's status changes. The fact must match the order (its intent,
 * amount and currency: an intent for another amount never pays an order); the status only
 * moves forward (orderStatus.ts). Runs inside the caller's transaction with the row locked,
 * and the change's service event is enqueued in it too: an event exists iff the state changed,
 * whichever path (webhook, sync, reconciler) changed it.
 */
async function applyFactIn(tx: Queryable, fact: PaymentFact, source: FactSource, eventId: string | null, emit: EmitInTransaction | null): Promise<ApplyOutcome> {
  const { rows } = await tx.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 FOR UPDATE`, [fact.orderId]);
  const row = rows[0];
  if (row === undefined) return 'unknown_order';
  const order = toOrder(row);
  if ((order.intentId !== null && order.intentId !== fact.intentId) || order.amount !== fact.amount || order.currency !== fact.currency) return 'mismatch';
  const next = advance(order.status, fact.status);
  if (next === null) {
    // The intent may be news even when the status is not (the order's own write of it was lost).
    if (order.intentId === null) await tx.query('UPDATE orders SET intent_id = $2 WHERE id = $1', [order.id, fact.intentId]);
    return 'no_change';
  }
  await tx.query('UPDATE orders SET status = $2, payment_error = $3, intent_id = $4, updated_at = now() WHERE id = $1', [
    order.id,
    next,
    next === 'FAILED' ? fact.paymentError : null,
    fact.intentId,
  ]);
  await tx.query('INSERT INTO order_transitions (order_id, from_status, to_status, source, event_id) VALUES ($1, $2, $3, $4, $5)', [
    order.id,
    order.status,
    next,
    source,
    eventId,
  ]);
  const event = orderEvent(order, next, new Date());
  if (event !== null && emit !== null) await emit(tx, event);
  return 'applied';
}
