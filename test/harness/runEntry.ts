import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs an entry point (`gateway/src/main.ts`, `subgraphs/<name>/main.ts`, …) to its exit in
 * its own process, from the project root, with `env` and nothing else of this process's
 * environment (PATH aside): what a start-up check sees is exactly what the test gave it.
 */
export function runEntry(entry: string, env: Record<string, string>): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', entry], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', APOLLO_TELEMETRY_DISABLED: '1', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}
