import { userInfo } from 'node:os';
import pg from 'pg';
import type { Logger } from '../log/createLogger.js';
import { createCloseGate } from './closeGate.js';
import type { Database, Queryable, QueryResult } from './Database.js';

export interface PostgresDatabaseOptions {
  readonly url: string;
  /** Already checked by `createDatabase`. */
  readonly schema: string;
  readonly poolSize: number;
  /** How long opening a connection may take before the query that needed it fails. */
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
}

/**
 * PostgreSQL through a pg Pool. The schema is every connection's search_path (a startup
 * option, so no connection ever runs a statement before it is set), which is what lets
 * migrations and queries use unqualified table names.
 */
export async function createPostgresDatabase(options: PostgresDatabaseOptions): Promise<Database> {
  const { schema, logger } = options;
  const pool = new pg.Pool({
    connectionString: withDefaultUser(options.url),
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    options: `-c search_path=${schema}`,
    application_name: schema,
  });
  // An idle client whose server went away (restart, failover, idle timeout in a proxy)
  // is emitted here; unhandled, it would crash the process. The pool replaces it.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'idle PostgreSQL connection lost; the pool will open another'));

  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    // Two replicas starting at once can both miss the schema and race on creating it:
    // the loser's unique violation means the schema is there.
    if (!(isPgError(err) && err.code === '23505')) {
      await pool.end().catch(() => undefined);
      throw new Error(`could not open PostgreSQL at ${describeUrl(options.url)}: ${errorMessage(err)}`, { cause: err });
    }
  }

  const gate = createCloseGate('the database');
  return {
    kind: 'postgres',
    schema,
    query: (sql, params) => gate.run(() => run(pool, sql, params)),
    exec: (sql) => gate.run(async () => void (await pool.query(sql))),
    transaction: (fn) => gate.run(() => inTransaction(pool, fn, logger)),
    close: () => gate.close(() => pool.end()),
  };
}

async function inTransaction<T>(pool: pg.Pool, fn: (tx: Queryable) => Promise<T>, logger: Logger): Promise<T> {
  const client = await pool.connect();
  let over = false;
  let broken: Error | undefined;
  const tx: Queryable = {
    query: (sql, params) => {
      if (over) return Promise.reject(new Error('this transaction is over; its Queryable cannot be used any more'));
      return run(client, sql, params);
    },
  };
  try {
    await client.query('BEGIN');
    const result = await fn(tx);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      // The connection is in an unknown state: it must not go back to the pool.
      broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      logger.warn({ err: broken.message }, 'ROLLBACK failed; the connection is discarded');
    }
    throw err;
  } finally {
    over = true;
    client.release(broken ?? false);
  }
}

async function run<R>(target: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
  const res = (await target.query(sql, params ? [...params] : undefined)) as pg.QueryResult | pg.QueryResult[];
  // Several statements (simple protocol) give one result each; the last one is the answer.
  const last = Array.isArray(res) ? res[res.length - 1] : res;
  if (!last) return { rows: [], rowCount: 0 };
  return { rows: last.rows as R[], rowCount: last.rowCount ?? last.rows.length };
}

/**
 * A URL without a user (postgres://127.0.0.1:5432/app, trust auth) means the OS account,
 * as for psql. pg takes it from $USER, which containers and CI runners often lack (then
 * PostgreSQL refuses with "no PostgreSQL user name specified"), and a `user` option does not
 * help: the URL's empty one overrides it. So the URL gets the account's name.
 */
function withDefaultUser(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || pg.defaults.user) return url;
    parsed.username = encodeURIComponent(userInfo().username);
    return parsed.toString();
  } catch {
    return url;
  }
}

function isPgError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}

function errorMessage(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(errorMessage).join('; ');
  return err instanceof Error ? err.message || err.name : String(err);
}

/** Where it tried to connect, never with the password. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(an unparsable URL)';
  }
}
