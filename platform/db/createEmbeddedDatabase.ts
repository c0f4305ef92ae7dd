import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite, types, type Results, type Transaction } from '@electric-sql/pglite';
import type { Logger } from '../log/createLogger.js';
import { createCloseGate } from './closeGate.js';
import type { Database, QueryResult } from './Database.js';
import { freshClusterSnapshot } from './pgliteSnapshot.js';

export const MEMORY_DATA_DIR = 'memory://';

export interface EmbeddedDatabaseOptions {
  /** A directory (created if missing, persists across restarts) or 'memory://'. */
  readonly dataDir: string;
  /** Already checked by `createDatabase`. */
  readonly schema: string;
  readonly logger: Logger;
}

/**
 * pg's shapes, so that code and tests see the same rows on both kinds. PGlite parses int8
 * as a JS number (silently wrong past 2^53); pg gives a string, and so do we.
 */
const parsers = { [types.INT8]: (value: string) => value };

/**
 * PostgreSQL in process (PGlite). It runs one statement at a time on one session, which
 * shapes two things: our transactions go through PGlite's own `transaction()` (it holds
 * every other query, pg-boss's polling included, until COMMIT or ROLLBACK), and parameterless
 * SQL goes through `exec` (the simple protocol, the only one that takes several statements).
 */
export async function createEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<Database> {
  const { schema, logger } = options;
  const started = Date.now();
  let pglite: PGlite;
  if (options.dataDir === MEMORY_DATA_DIR) {
    pglite = new PGlite({ loadDataDir: await freshClusterSnapshot(logger), parsers });
  } else {
    const dir = resolve(options.dataDir);
    mkdirSync(dir, { recursive: true });
    // A new directory starts from the same snapshot of a fresh cluster as in-memory ones: a
    // first `npm start` then opens in about a second instead of running initdb (about ten).
    const fresh = !existsSync(join(dir, 'PG_VERSION'));
    pglite = new PGlite(dir, fresh ? { parsers, loadDataDir: await freshClusterSnapshot(logger) } : { parsers });
  }
  await pglite.waitReady;
  // One session for the life of the instance, so setting it once covers every query.
  await pglite.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"; SET search_path TO "${schema}"`);
  logger.debug({ dataDir: options.dataDir, schema, ms: Date.now() - started }, 'embedded PostgreSQL open');

  const gate = createCloseGate('the database');
  return {
    kind: 'embedded',
    schema,
    query: (sql, params) => gate.run(() => run(pglite, sql, params)),
    exec: (sql) => gate.run(async () => void (await pglite.exec(sql))),
    transaction: (fn) =>
      gate.run(() =>
        pglite.transaction(async (tx) => {
          let over = false;
          try {
            return await fn({
              query: (sql, params) => {
                if (over) return Promise.reject(new Error('this transaction is over; its Queryable cannot be used any more'));
                return run(tx, sql, params);
              },
            });
          } finally {
            over = true;
          }
        }),
      ),
    close: () => gate.close(() => pglite.close()),
  };
}

async function run<R>(target: PGlite | Transaction, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
  if (!params || params.length === 0) return shape<R>((await target.exec(sql)).at(-1));
  return shape<R>(await target.query(sql, [...params]));
}

/** PGlite's rows have a null prototype; pg's are plain objects (and some assertions care). */
function shape<R>(res: Results | undefined): QueryResult<R> {
  if (!res) return { rows: [], rowCount: 0 };
  const rows = res.rows.map((row) => ({ ...row }) as R);
  return { rows, rowCount: res.rowCount ?? res.affectedRows ?? rows.length };
}
