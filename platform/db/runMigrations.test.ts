import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrlForTests, dropSchemas, uniqueSchema } from '../../test/harness/testDatabase.js';
import { createLogger } from '../log/createLogger.js';
import { createDatabase } from './createDatabase.js';
import type { Database } from './Database.js';
import { runMigrations, type Migration } from './runMigrations.js';

const logger = createLogger({ service: 'migrations-test', level: 'silent' });
const url = databaseUrlForTests();
const schemas: string[] = [];

const v1: Migration = { version: 1, name: 'orders', sql: 'CREATE TABLE orders (id text PRIMARY KEY, amount int NOT NULL)' };
const v2: Migration = {
  version: 2,
  name: 'order status',
  sql: `ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'open';
        CREATE INDEX orders_status ON orders (status);`,
};
const v5: Migration = { version: 5, name: 'inbox', sql: 'CREATE TABLE inbox (event_id text PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now())' };

const kinds = [
  { kind: 'embedded', skip: false, open: () => createDatabase({ dataDir: 'memory://', schema: uniqueSchema('mig'), logger }) },
  {
    kind: 'postgres',
    skip: !url,
    open: () => {
      const schema = uniqueSchema('mig');
      schemas.push(schema);
      return createDatabase({ url, dataDir: 'unused', schema, logger });
    },
  },
] as const;

for (const { kind, skip, open } of kinds) {
  describe.skipIf(skip)(`runMigrations (${kind})`, () => {
    const opened: Database[] = [];
    const fresh = async () => {
      const db = await open();
      opened.push(db);
      return db;
    };
    afterAll(async () => {
      await Promise.all(opened.map((db) => db.close()));
    });

    it('applies pending migrations in order, records them, and is idempotent', async () => {
      const db = await fresh();
      expect(await runMigrations(db, [v1], logger)).toEqual([1]);
      expect(await runMigrations(db, [v1, v2, v5], logger)).toEqual([2, 5]);
      expect(await runMigrations(db, [v1, v2, v5], logger)).toEqual([]);
      const { rows } = await db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
      expect(rows).toEqual([
        { version: 1, name: 'orders' },
        { version: 2, name: 'order status' },
        { version: 5, name: 'inbox' },
      ]);
      await db.query('INSERT INTO orders (id, amount) VALUES ($1, $2)', ['o1', 100]);
      expect((await db.query('SELECT status FROM orders')).rows).toEqual([{ status: 'open' }]);
      // Into the service's own schema, by the search_path.
      const tables = await db.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [db.schema]);
      expect(tables.rows).toEqual([{ table_name: 'inbox' }, { table_name: 'orders' }, { table_name: 'schema_migrations' }]);
    });

    it('rolls back a failing migration whole and keeps the ones before it', async () => {
      const db = await fresh();
      const broken: Migration = { version: 3, name: 'broken', sql: 'CREATE TABLE half (n int); SELECT * FROM no_such_table' };
      await expect(runMigrations(db, [v1, v2, broken], logger)).rejects.toThrow(/migration 3 \(broken\) failed: .*no_such_table/);
      expect((await db.query('SELECT version FROM schema_migrations ORDER BY version')).rows).toEqual([{ version: 1 }, { version: 2 }]);
      expect((await db.query(`SELECT to_regclass('half') AS t`)).rows).toEqual([{ t: null }]);
    });

    it('refuses a database at a version this code does not know, naming it', async () => {
      const db = await fresh();
      await runMigrations(db, [v1, v2, v5], logger);
      await expect(runMigrations(db, [v1, v2], logger)).rejects.toThrow(/at migration 5 \(inbox\), which this code does not know/);
    });

    it('refuses versions that are not increasing positive integers with a TypeError, before touching the database', async () => {
      const db = await fresh();
      await expect(runMigrations(db, [v2, v1], logger)).rejects.toThrow(TypeError);
      await expect(runMigrations(db, [v1, { ...v2, version: 1 }], logger)).rejects.toThrow(TypeError);
      await expect(runMigrations(db, [{ ...v1, version: 1.5 }], logger)).rejects.toThrow(TypeError);
      await expect(runMigrations(db, [{ ...v1, version: 0 }], logger)).rejects.toThrow(TypeError);
      expect((await db.query(`SELECT to_regclass('schema_migrations') AS t`)).rows).toEqual([{ t: null }]);
    });
  });
}

describe.skipIf(!url)('runMigrations on PostgreSQL, two replicas starting at once', () => {
  it('applies each migration once', async () => {
    const schema = uniqueSchema('race');
    schemas.push(schema);
    const [a, b] = await Promise.all([1, 2].map(() => createDatabase({ url, dataDir: 'unused', schema, logger })));
    try {
      // A slow migration keeps the lock long enough that the other replica must wait on it.
      const slow: Migration = { version: 3, name: 'slow', sql: 'SELECT pg_sleep(0.3); CREATE TABLE slow (n int)' };
      const counter: Migration = { version: 4, name: 'count', sql: `CREATE TABLE IF NOT EXISTS runs (n int); INSERT INTO runs VALUES (1)` };
      const all = [v1, v2, slow, counter];
      const [appliedA, appliedB] = await Promise.all([runMigrations(a!, all, logger), runMigrations(b!, all, logger)]);
      expect([...appliedA, ...appliedB].sort()).toEqual([1, 2, 3, 4]);
      expect((await a!.query('SELECT count(*)::int AS n FROM runs')).rows).toEqual([{ n: 1 }]);
      expect((await a!.query('SELECT count(*)::int AS n FROM schema_migrations')).rows).toEqual([{ n: 4 }]);
    } finally {
      await Promise.all([a?.close(), b?.close()]);
    }
  });
});

afterAll(() => dropSchemas(url, schemas));
