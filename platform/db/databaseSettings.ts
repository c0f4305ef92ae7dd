import { optionalUrl, string, type Setting } from '../config/setting.js';
import { schemaNamePattern } from './schemaName.js';

/**
 * Settings every stateful service gets, with its env prefix. `DATABASE_URL` is shared
 * (one server, like REDIS_URL); each service keeps to its own schema in it. 45 characters
 * leave room for the job queue's schema (`<schema>_jobs`) within pg-boss's 50.
 */
export function databaseSettings(
  prefix: string,
  defaults: { dataDir: string; schema: string },
): {
  databaseUrl: Setting<string | undefined>;
  dataDir: Setting<string>;
  databaseSchema: Setting<string>;
} {
  return {
    databaseUrl: optionalUrl('DATABASE_URL', {
      protocols: ['postgres:', 'postgresql:'],
      description: 'PostgreSQL of every stateful service (each in its own schema). Unset = embedded PostgreSQL (PGlite) per service, in its data dir.',
    }),
    dataDir: string(`${prefix}_DATA_DIR`, {
      default: defaults.dataDir,
      description: 'Embedded database directory (used without DATABASE_URL; kept across restarts). `memory://` keeps nothing.',
    }),
    databaseSchema: string(`${prefix}_DATABASE_SCHEMA`, {
      default: defaults.schema,
      pattern: schemaNamePattern(45),
      patternText: '1 to 45 of a-z, 0-9 and _ (not starting with a digit or pg_)',
      description: 'PostgreSQL schema of this service\'s tables (its job queue uses `<schema>_jobs`).',
    }),
  };
}
