import type { Migration } from '../../../platform/db/runMigrations.js';

/**
 * The payments store's schema, versioned. Append only: a shipped migration is never
 * edited (replicas and old databases have run it); a change is a new version.
 */
export const paymentsMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'orders, customers, inbox',
    sql: `
      CREATE TABLE orders (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        -- The app's key for this checkout, and what it was for: a retry returns the same order.
        idempotency_key text NOT NULL,
        items_fingerprint text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING_PAYMENT', 'FAILED', 'PAID', 'REFUNDED')),
        payment_error text,
        items jsonb NOT NULL,
        amount integer NOT NULL CHECK (amount > 0),
        currency text NOT NULL,
        intent_id text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, idempotency_key)
      );
      CREATE INDEX orders_by_user ON orders (user_id, created_at DESC, id DESC);
      CREATE INDEX orders_awaiting ON orders (created_at) WHERE status IN ('PENDING_PAYMENT', 'FAILED') AND intent_id IS NOT NULL;

      -- The vendor's customer of each user, so every checkout of one user shares saved cards.
      CREATE TABLE customers (
        user_id text PRIMARY KEY,
        customer_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      -- Every verified webhook, keyed by the vendor's event id: written before we answer 2xx,
      -- applied by a worker exactly once (processed_at and the order's change commit together).
      CREATE TABLE inbox (
        event_id text PRIMARY KEY,
        type text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        outcome text,
        -- How many times processing committed: exactly 1 once processed, whatever the retries.
        applications integer NOT NULL DEFAULT 0
      );
      CREATE INDEX inbox_unprocessed ON inbox (received_at) WHERE processed_at IS NULL;

      -- Every status change, with what caused it: support's answer to "why is my order paid?".
      CREATE TABLE order_transitions (
        id bigserial PRIMARY KEY,
        order_id text NOT NULL REFERENCES orders (id),
        from_status text NOT NULL,
        to_status text NOT NULL,
        source text NOT NULL,
        event_id text,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX order_transitions_by_order ON order_transitions (order_id, id);
    `,
  },
  {
    version: 2,
    name: 'orders.checked_at',
    sql: `
      -- When the reconciler last asked the vendor about an order (not a change: updated_at,
      -- which the API shows as the last status change, stays).
      ALTER TABLE orders ADD COLUMN checked_at timestamptz;
    `,
  },
  {
    version: 3,
    name: 'orders.created_at in milliseconds',
    sql: `
      -- The myOrders cursor carries created_at in milliseconds (JavaScript's Date); at
      -- microseconds, orders made within one millisecond sorted past the cursor and a page
      -- skipped them. Stored as the cursor says it, keyset paging is exact again.
      ALTER TABLE orders ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now());
      UPDATE orders SET created_at = date_trunc('milliseconds', created_at) WHERE created_at <> date_trunc('milliseconds', created_at);
    `,
  },
];
