import type { Logger } from '../log/createLogger.js';
import { createEmbeddedDatabase } from './createEmbeddedDatabase.js';
import { createPostgresDatabase } from './createPostgresDatabase.js';
import type { Database } from './Database.js';
import { assertSchemaName } from './schemaName.js';

export type { Database, Queryable, QueryResult } from './Database.js';

export interface DatabaseOptions {
  /** postgres://… → PostgreSQL through a pg Pool; undefined → embedded. */
  url?: string | undefined;
  /** Embedded only: a directory (created if missing, persists across restarts) or 'memory://' (tests). */
  dataDir: string;
  /** Created if missing; a-z0-9_ only, else TypeError. */
  schema: string;
  /** pg Pool size (postgres only). Default 10. */
  poolSize?: number;
  /** Postgres only: how long opening a connection may take before its query fails. Default 5000 (ms). */
  connectTimeoutMs?: number;
  logger: Logger;
}

/**
 * The service's system of record. Rows come back the same on both kinds, as pg returns
 * them: int2/int4/float → number, int8 (bigint, count(*)) and numeric → string (exact),
 * timestamptz → Date, json/jsonb → parsed value, text → string, bool → boolean, NULL → null.
 * `timestamp` (no zone) and `date` are read in the process's time zone by pg and as UTC by
 * PGlite: use timestamptz.
 */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  assertSchemaName(options.schema);
  const logger = options.logger.child({ db: options.schema });
  if (options.url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(options.url)) throw new TypeError('url must be a postgres:// or postgresql:// URL');
    return createPostgresDatabase({
      url: options.url,
      schema: options.schema,
      poolSize: options.poolSize ?? 10,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      logger,
    });
  }
  return createEmbeddedDatabase({ dataDir: options.dataDir, schema: options.schema, logger });
}
