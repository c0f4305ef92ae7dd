import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';

/**
 * The real PostgreSQL of the PostgreSQL suites (`describe.skipIf(!databaseUrlForTests())`),
 * or undefined: then only the embedded suites run (the globalSetup notice says so).
 */
export function databaseUrlForTests(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

/**
 * A schema of its own for one test or stack, e.g. `t_payments_1f2e3d4c`: test files run in
 * parallel against one server and must never see each other's rows (or pg-boss's jobs).
 * `prefix` is cut to keep `<schema>_jobs` within pg-boss's 50 characters.
 */
export function uniqueSchema(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30);
  return `t_${clean}_${randomBytes(4).toString('hex')}`;
}

/** DROP SCHEMA … CASCADE for each (missing ones are fine), when a stack or suite closes. No-op without a URL. */
export async function dropSchemas(url: string | undefined, schemas: readonly string[]): Promise<void> {
  if (!url || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: withUser(url), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    for (const schema of schemas) {
      if (!/^[a-z0-9_]+$/.test(schema)) throw new TypeError(`not a schema name: ${JSON.stringify(schema)}`);
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  } finally {
    await client.end();
  }
}

/** As createDatabase does: a URL without a user means the OS account (pg only looks at $USER). */
function withUser(url: string): string {
  const parsed = new URL(url);
  if (parsed.username || process.env.USER || process.env.PGUSER) return url;
  parsed.username = encodeURIComponent(userInfo().username);
  return parsed.toString();
}
