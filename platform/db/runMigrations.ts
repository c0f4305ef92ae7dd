import type { Logger } from '../log/createLogger.js';
import type { Database, Queryable } from './Database.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Runs inside the migration's transaction: no BEGIN/COMMIT of its own. Unqualified names land in the service's schema. */
  readonly sql: string;
}

/**
 * Applies the pending migrations in version order, each in its own transaction, recorded in
 * `schema_migrations`; concurrent starts (two replicas) serialize on an advisory lock
 * (postgres); a database already at a version this code does not know refuses with an
 * error naming it (a rollback of the code to an older release); versions must be
 * increasing integers (TypeError otherwise). Returns the versions applied.
 *
 * Each transaction takes the lock, then reads what is applied: a replica that waited for
 * another finds the work done and skips it, so each migration runs once however many start.
 */
export async function runMigrations(db: Database, migrations: readonly Migration[], logger: Logger): Promise<number[]> {
  checkOrder(migrations);
  const log = logger.child({ schema: db.schema });
  const lock = `SELECT pg_advisory_xact_lock(hashtext($1))`;
  const lockKey = `schema_migrations:${db.schema}`;
  const known = new Map(migrations.map((m) => [m.version, m]));

  await db.transaction(async (tx) => {
    await tx.query(lock, [lockKey]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const unknown = (await appliedVersions(tx)).filter((row) => !known.has(row.version));
    const newest = unknown.at(-1);
    if (newest) {
      throw new Error(
        `the database (schema "${db.schema}") is at migration ${newest.version} (${newest.name}), which this code does not know ` +
          `(it knows up to ${migrations.at(-1)?.version ?? 'none'}): was the service rolled back to an older release? ` +
          'Deploy a release that has that migration, or restore the database.',
      );
    }
  });

  const applied: number[] = [];
  for (const migration of migrations) {
    const ran = await db.transaction(async (tx) => {
      await tx.query(lock, [lockKey]);
      const done = await tx.query(`SELECT 1 FROM schema_migrations WHERE version = $1`, [migration.version]);
      if (done.rowCount > 0) return false;
      try {
        await tx.query(migration.sql);
      } catch (err) {
        throw new Error(`migration ${migration.version} (${migration.name}) failed: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
      await tx.query(`INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      return true;
    });
    if (ran) {
      applied.push(migration.version);
      log.info({ version: migration.version, name: migration.name }, 'migration applied');
    }
  }
  return applied;
}

function checkOrder(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isSafeInteger(m.version) || m.version <= previous) {
      throw new TypeError(
        `migration versions must be increasing positive integers: ${JSON.stringify(m.version)} (${m.name}) comes after ${previous}`,
      );
    }
    if (typeof m.name !== 'string' || m.name.trim() === '') throw new TypeError(`migration ${m.version} has no name`);
    previous = m.version;
  }
}

async function appliedVersions(tx: Queryable): Promise<{ version: number; name: string }[]> {
  const res = await tx.query<{ version: number; name: string }>(`SELECT version, name FROM schema_migrations ORDER BY version`);
  return res.rows;
}
