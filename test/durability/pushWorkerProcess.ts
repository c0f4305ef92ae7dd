import { spawnEntry, type SpawnedEntry } from '../harness/spawnEntry.js';

const WORKER_ENTRY = 'subgraphs/notifications/worker/main.ts';

/**
 * The notifications event workers in a child process of their own (`worker/main.ts`, the
 * deployment that scales pushes apart), `workers` of them, with `env` (the service's
 * settings: the same schema and push vendors). Resolves once it says it is ready.
 */
export async function startPushWorker(env: Record<string, string>, workers: number): Promise<SpawnedEntry> {
  // info: the worker says it is ready at that level.
  const child = spawnEntry(WORKER_ENTRY, { ...env, NOTIFICATIONS_WORKERS: String(workers), LOG_LEVEL: 'info' });
  try {
    await child.waitFor(/notifications worker ready/);
  } catch (err) {
    child.kill();
    throw err;
  }
  return child;
}

/** SIGTERM (running jobs finish, then it exits), and SIGKILL to its group if it has not exited within `timeoutMs`. */
export async function stopPushWorker(child: SpawnedEntry, timeoutMs = 10_000): Promise<void> {
  child.child.kill('SIGTERM');
  const stopped = await Promise.race([child.exited().then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref())]);
  if (!stopped) child.kill();
  await child.exited();
}
