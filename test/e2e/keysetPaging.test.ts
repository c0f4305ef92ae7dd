/**
 * The inboxes the app pages through (`myNotifications`, `myOrders`) use a keyset cursor over
 * (created_at, id) that carries the time in milliseconds. Rows written within one millisecond
 * (one transaction, or 4 event workers at once) must each appear on exactly one page: at
 * microsecond precision they sorted past the cursor and a page skipped them. (PostgreSQL keeps
 * microseconds; the embedded store's clock happens to tick in milliseconds, so there the
 * test passes either way.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/Database.js';
import { createDatabase } from '../../platform/db/createDatabase.js';
import { runMigrations } from '../../platform/db/runMigrations.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { notificationsMigrations } from '../../subgraphs/notifications/store/migrations.js';
import { notificationCursor, NotificationStore } from '../../subgraphs/notifications/store/NotificationStore.js';
import { paymentsMigrations } from '../../subgraphs/payments/store/migrations.js';
import { orderCursor, OrderStore } from '../../subgraphs/payments/store/OrderStore.js';
import { databaseUrlForTests, dropSchemas, uniqueSchema } from '../harness/testDatabase.js';

const logger = createLogger({ service: 'paging-test', level: 'silent' });
const url = databaseUrlForTests();
const schemas: string[] = [];
afterAll(() => (url ? dropSchemas(url, schemas) : undefined));

/** Pages of one row each until the end: every id seen, in order. */
async function pageAll(page: (after: string | null) => Promise<{ ids: string[]; next: string | null }>): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 20; i++) {
    const { ids, next } = await page(after);
    seen.push(...ids);
    if (next === null) break;
    after = next;
  }
  return seen;
}

for (const kind of [
  { name: 'embedded', skip: false, url: undefined },
  { name: 'postgres', skip: !url, url },
] as const) {
  describe.skipIf(kind.skip)(`keyset paging over rows of one millisecond (${kind.name})`, () => {
    const open = async (migrations: Parameters<typeof runMigrations>[1]): Promise<Database> => {
      const schema = uniqueSchema('paging');
      schemas.push(schema);
      const db = await createDatabase({ url: kind.url, dataDir: 'memory://', schema, logger });
      await runMigrations(db, migrations, logger);
      return db;
    };

    it('myNotifications: three written in one transaction (one now()) come one per page, none skipped', async () => {
      const db = await open(notificationsMigrations);
      try {
        await db.transaction(async (tx) => {
          for (const n of [1, 2, 3]) {
            await tx.query(
              `INSERT INTO notifications (id, user_id, event_id, category, title, body, data) VALUES ($1, 'usr_0001', $2, 'ORDER_UPDATES', 't', 'b', '{}'::jsonb)`,
              [`ntf_${'a'.repeat(19)}${n}`, `order:ord_${n}:PAID`],
            );
          }
        });
        const store = new NotificationStore(db);
        const seen = await pageAll(async (after) => {
          const page = await store.page('usr_0001', 1, after);
          const last = page!.notifications.at(-1);
          return { ids: page!.notifications.map((n) => n.id), next: page!.hasNextPage && last ? notificationCursor(last) : null };
        });
        expect(seen).toEqual([3, 2, 1].map((n) => `ntf_${'a'.repeat(19)}${n}`));
      } finally {
        await db.close();
      }
    });

    it('myOrders: three created in one transaction come one per page, none skipped', async () => {
      const db = await open(paymentsMigrations);
      try {
        const ids = ['ord_aaaaaaaaaaaaaaaaaaa1', 'ord_aaaaaaaaaaaaaaaaaaa2', 'ord_aaaaaaaaaaaaaaaaaaa3'];
        await db.transaction(async (tx) => {
          for (const [i, id] of ids.entries()) {
            await tx.query(
              `INSERT INTO orders (id, user_id, idempotency_key, items_fingerprint, status, items, amount, currency)
               VALUES ($1, 'usr_0001', $2, 'f', 'PENDING_PAYMENT', '[]'::jsonb, 100, 'USD')`,
              [id, `key-${i}`],
            );
          }
        });
        const store = new OrderStore(db);
        const seen = await pageAll(async (after) => {
          const page = await store.ordersOf('usr_0001', 1, after);
          const last = page!.orders.at(-1);
          return { ids: page!.orders.map((o) => o.id), next: page!.hasNextPage && last ? orderCursor(last) : null };
        });
        expect(seen).toEqual([...ids].reverse());
      } finally {
        await db.close();
      }
    });
  });
}
