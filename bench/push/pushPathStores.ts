import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database } from '../../platform/db/createDatabase.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { dropSchemas, uniqueSchema } from '../../test/harness/testDatabase.js';

export type PushPathService = 'payments' | 'notifications';

/** Where the two stateful services of the push path keep their data for one run, and how to read it from outside. */
export interface PushPathStores {
  readonly kind: 'postgres' | 'embedded';
  /** The settings that put each service (and its workers) on its store. */
  env(service: PushPathService): Record<string, string>;
  /**
   * A connection of this process to a service's store. PostgreSQL: at any time, beside the
   * services. Embedded: only while that service is not running (PGlite takes one process).
   */
  open(service: PushPathService): Promise<Database>;
  /** Drops the schemas or deletes the directories. */
  dispose(): Promise<void>;
}

const silent = createLogger({ service: 'bench-push', level: 'silent' });

/**
 * A schema of its own per service on `databaseUrl` (pg-boss beside it in `<schema>_jobs`), or
 * without it a PGlite data directory of its own per service in a temporary directory (kept on
 * disk, not `memory://`, so this process can seed it before the service opens it and read it
 * after the service closed it).
 */
export async function createPushPathStores(databaseUrl: string | undefined): Promise<PushPathStores> {
  if (databaseUrl !== undefined) {
    const schemas = { payments: uniqueSchema('bench_push_pay'), notifications: uniqueSchema('bench_push') };
    const prefix = { payments: 'PAYMENTS', notifications: 'NOTIFICATIONS' } as const;
    return {
      kind: 'postgres',
      env: (service) => ({ DATABASE_URL: databaseUrl, [`${prefix[service]}_DATABASE_SCHEMA`]: schemas[service] }),
      open: (service) => createDatabase({ url: databaseUrl, dataDir: 'memory://', schema: schemas[service], logger: silent }),
      dispose: () => dropSchemas(databaseUrl, Object.values(schemas).flatMap((s) => [s, `${s}_jobs`])),
    };
  }
  const root = await mkdtemp(join(tmpdir(), 'bench-push-'));
  const dirs = { payments: join(root, 'payments'), notifications: join(root, 'notifications') };
  const schema = { payments: 'payments', notifications: 'notifications' };
  return {
    kind: 'embedded',
    env: (service) => ({ [`${service.toUpperCase()}_DATA_DIR`]: dirs[service] }),
    open: (service) => createDatabase({ dataDir: dirs[service], schema: schema[service], logger: silent }),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}
