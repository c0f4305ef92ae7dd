import { parseConfig, type ConfigOf } from '../../platform/config/parseConfig.js';
import { int, type Env } from '../../platform/config/setting.js';

/** Settings of `npm start` itself (scripts/start.ts), the supervisor of every service it runs. */
export const startSettings = {
  readyTimeoutMs: int('START_READY_TIMEOUT_MS', {
    default: 180_000,
    min: 1_000,
    max: 3_600_000,
    unit: 'ms',
    description:
      'npm start: how long each wave of services (sandbox, subgraphs, gateway) may take to answer its readiness check. Generous: a busy machine starts slowly, and the wait ends as soon as they are ready.',
  }),
  stopTimeoutMs: int('START_STOP_TIMEOUT_MS', {
    default: 30_000,
    min: 1_000,
    max: 600_000,
    unit: 'ms',
    description:
      'npm start: on Ctrl-C or SIGTERM, how long the services may take to drain and exit before they are killed (keep it above their *_SHUTDOWN_GRACE_MS).',
  }),
};

export type StartConfig = ConfigOf<typeof startSettings>;

export function parseStartConfig(env: Env): StartConfig {
  return parseConfig('npm start', startSettings, env);
}
