import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrlForTests, dropSchemas, uniqueSchema } from '../../test/harness/testDatabase.js';
import { createLogger } from '../log/createLogger.js';
import { createDatabase } from './createDatabase.js';
import type { Database } from './Database.js';
import { snapshotFromFile } from './pgliteSnapshot.js';

const logger = createLogger({ service: 'db-test', level: 'silent' });
const url = databaseUrlForTests();

/** One open per kind, closed by its suite; each test makes its own tables. */
function kindSuite(kind: 'embedded' | 'postgres', open: () => Promise<Database>, cleanup: () => Promise<void>) {
  let db: Database;
  const ready = () => db;
  describe(`${kind} database`, () => {
    afterAll(async () => {
      await db?.close();
      await cleanup();
    });

    it('opens with its kind and schema, and the schema is the search_path', async () => {
      db = await open();
      expect(db.kind).toBe(kind);
      const { rows } = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
      expect(rows).toEqual([{ schema: db.schema }]);
    });

    it('returns rows as pg does: int number, int8 and numeric strings, text, jsonb parsed, timestamptz Date, null', async () => {
      await ready().exec(`CREATE TABLE shapes (id text PRIMARY KEY, amount int NOT NULL, big bigint, price numeric(10,2),
        meta jsonb, at timestamptz, ok boolean, note text)`);
      const at = new Date('2024-05-06T07:08:09.123Z');
      const insert = await db.query(
        `INSERT INTO shapes VALUES ($1, $2, $3, $4, $5, $6, $7, $8), ('b', 2, NULL, NULL, NULL, NULL, NULL, NULL)`,
        ['a', 1999, '9007199254740993', '12.30', JSON.stringify({ items: [1, 'x'], nested: { ok: true } }), at, true, 'héllo'],
      );
      expect(insert.rowCount).toBe(2);
      const { rows, rowCount } = await db.query('SELECT * FROM shapes ORDER BY id');
      expect(rowCount).toBe(2);
      expect(rows).toStrictEqual([
        { id: 'a', amount: 1999, big: '9007199254740993', price: '12.30', meta: { items: [1, 'x'], nested: { ok: true } }, at, ok: true, note: 'héllo' },
        { id: 'b', amount: 2, big: null, price: null, meta: null, at: null, ok: null, note: null },
      ]);
      expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
      const counted = await db.query('SELECT count(*) AS n, sum(amount)::int AS total FROM shapes');
      expect(counted.rows).toStrictEqual([{ n: '2', total: 2001 }]);
    });

    it('runs parameterless SQL with several statements (query returns the last one)', async () => {
      const res = await ready().query(`CREATE TABLE multi (n int); INSERT INTO multi VALUES (1), (2); SELECT sum(n)::int AS s FROM multi`);
      expect(res.rows).toEqual([{ s: 3 }]);
      await db.exec('INSERT INTO multi VALUES (3); INSERT INTO multi VALUES (4)');
      expect((await db.query('SELECT count(*)::int AS c FROM multi')).rows).toEqual([{ c: 4 }]);
      const update = await db.query('UPDATE multi SET n = n + 1 WHERE n > $1', [2]);
      expect(update.rowCount).toBe(2);
    });

    it('commits a transaction that resolves, with its value', async () => {
      await ready().exec('CREATE TABLE ledger (id text PRIMARY KEY, amount int NOT NULL)');
      const value = await db.transaction(async (tx) => {
        await tx.query('INSERT INTO ledger VALUES ($1, $2)', ['t1', 10]);
        await tx.query('INSERT INTO ledger VALUES ($1, $2)', ['t2', 20]);
        return (await tx.query<{ s: number }>('SELECT sum(amount)::int AS s FROM ledger')).rows[0]?.s;
      });
      expect(value).toBe(30);
      expect((await db.query('SELECT id FROM ledger ORDER BY id')).rows).toEqual([{ id: 't1' }, { id: 't2' }]);
    });

    it('rolls back a transaction that throws and rethrows its error; also after an SQL error inside', async () => {
      const boom = new Error('boom');
      await expect(
        ready().transaction(async (tx) => {
          await tx.query('INSERT INTO ledger VALUES ($1, $2)', ['t3', 30]);
          throw boom;
        }),
      ).rejects.toBe(boom);
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO ledger VALUES ($1, $2)', ['t4', 40]);
          await tx.query('INSERT INTO ledger VALUES ($1, $2)', ['t1', 1]); // duplicate key
        }),
      ).rejects.toThrow(/duplicate key/);
      expect((await db.query('SELECT id FROM ledger ORDER BY id')).rows).toEqual([{ id: 't1' }, { id: 't2' }]);
    });

    it('refuses a transaction handle used after its transaction ended', async () => {
      let leaked: { query: Database['query'] } | undefined;
      await ready().transaction(async (tx) => {
        leaked = tx;
      });
      await expect(leaked!.query('SELECT 1')).rejects.toThrow(/transaction is over/);
    });

    it('runs concurrent transactions and queries without losing any', async () => {
      await ready().exec('CREATE TABLE counter (n int NOT NULL); INSERT INTO counter VALUES (0)');
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 3 === 0
            ? db.query('SELECT n FROM counter')
            : db.transaction(async (tx) => {
                const { rows } = await tx.query<{ n: number }>('SELECT n FROM counter FOR UPDATE');
                await tx.query('UPDATE counter SET n = $1', [(rows[0]?.n ?? 0) + 1]);
              }),
        ),
      );
      expect((await db.query('SELECT n FROM counter')).rows).toEqual([{ n: 8 }]);
    });
  });
}

const dirs: string[] = [];
kindSuite(
  'embedded',
  () => createDatabase({ dataDir: 'memory://', schema: 'shop', logger }),
  async () => undefined,
);

const pgSchemas: string[] = [];
describe.skipIf(!url)('PostgreSQL', () => {
  kindSuite(
    'postgres',
    () => {
      const schema = uniqueSchema('db');
      pgSchemas.push(schema);
      return createDatabase({ url, dataDir: 'unused', schema, poolSize: 3, logger });
    },
    () => dropSchemas(url, pgSchemas),
  );

  it('does not deadlock its pool when more transactions than connections run at once', async () => {
    const schema = uniqueSchema('pool');
    pgSchemas.push(schema);
    const db = await createDatabase({ url, dataDir: 'unused', schema, poolSize: 2, logger });
    try {
      await db.exec('CREATE TABLE hits (n int NOT NULL)');
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          db.transaction(async (tx) => {
            await tx.query('INSERT INTO hits VALUES ($1)', [i]);
            await new Promise((resolve) => setTimeout(resolve, 5));
            await tx.query('SELECT count(*) FROM hits');
          }),
        ),
      );
      expect((await db.query('SELECT count(*)::int AS c FROM hits')).rows).toEqual([{ c: 20 }]);
    } finally {
      await db.close();
    }
  });

  it('keeps two services apart by schema on one server', async () => {
    const [a, b] = [uniqueSchema('a'), uniqueSchema('b')];
    pgSchemas.push(a, b);
    const dbA = await createDatabase({ url, dataDir: 'unused', schema: a, logger });
    const dbB = await createDatabase({ url, dataDir: 'unused', schema: b, logger });
    try {
      await dbA.exec(`CREATE TABLE orders (id text); INSERT INTO orders VALUES ('from-a')`);
      await dbB.exec(`CREATE TABLE orders (id text)`);
      expect((await dbB.query('SELECT * FROM orders')).rows).toEqual([]);
    } finally {
      await Promise.all([dbA.close(), dbB.close()]);
    }
  });

  afterAll(() => dropSchemas(url, pgSchemas));
});

describe('an on-disk embedded database', () => {
  it('keeps its data across close and reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'db-test-'));
    dirs.push(dir);
    const dataDir = join(dir, 'nested', 'payments');
    const first = await createDatabase({ dataDir, schema: 'payments', logger });
    await first.exec('CREATE TABLE orders (id text PRIMARY KEY, amount int NOT NULL, at timestamptz NOT NULL DEFAULT now())');
    await first.transaction((tx) => tx.query('INSERT INTO orders (id, amount) VALUES ($1, $2)', ['o1', 500]));
    await first.close();
    await first.close();
    await expect(first.query('SELECT 1')).rejects.toThrow(/closed/);

    const second = await createDatabase({ dataDir, schema: 'payments', logger });
    try {
      const { rows } = await second.query<{ id: string; amount: number; at: Date }>('SELECT * FROM orders');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: 'o1', amount: 500 });
      expect(rows[0]?.at).toBeInstanceOf(Date);
    } finally {
      await second.close();
    }
  });

  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
});

describe('opening', () => {
  it.each(['', 'Payments', 'pay-ments', 'pay ments', '1payments', 'pg_catalog', 'a;drop', 'x'.repeat(64)])(
    'refuses the schema name %j with a TypeError',
    async (schema) => {
      await expect(createDatabase({ dataDir: 'memory://', schema, logger })).rejects.toThrow(TypeError);
    },
  );

  it('refuses a URL that is not postgres:// with a TypeError', async () => {
    await expect(createDatabase({ url: 'mysql://127.0.0.1/x', dataDir: 'unused', schema: 'x', logger })).rejects.toThrow(TypeError);
  });

  it('fails clearly, without the password, when nothing listens at DATABASE_URL', async () => {
    const closed = await freePort();
    const attempt = createDatabase({ url: `postgres://user:s3cret@127.0.0.1:${closed}/app`, dataDir: 'unused', schema: 'x', logger });
    await expect(attempt).rejects.toThrow(new RegExp(`could not open PostgreSQL at 127\\.0\\.0\\.1:${closed}/app: .*ECONNREFUSED`));
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });

  it('fails after its connection timeout, not never, when the server accepts but does not answer', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      await expect(
        createDatabase({ url: `postgres://127.0.0.1:${port}/app`, dataDir: 'unused', schema: 'x', connectTimeoutMs: 300, logger }),
      ).rejects.toThrow(/could not open PostgreSQL at 127\.0\.0\.1:\d+\/app: .*timeout/i);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('the fresh-cluster snapshot', () => {
  it('ignores a damaged file, rewrites it, and the rewritten one loads', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'db-snapshot-'));
    try {
      const file = join(dir, 'snapshot');
      await writeFile(file, Buffer.alloc(4096, 7));
      const made = await snapshotFromFile(file, logger);
      const written = await readFile(file);
      expect(written.length).toBeGreaterThan(made.size);
      const loaded = await snapshotFromFile(file, logger);
      expect(loaded.size).toBe(made.size);
      const pglite = new PGlite({ loadDataDir: loaded });
      try {
        expect((await pglite.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await pglite.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
