/**
 * The image's HEALTHCHECK, one for every service: `node dist/platform/healthcheck/main.js`.
 * It reads which service the container runs from the command of its main process (PID 1,
 * `/proc/1/cmdline`; the service is chosen by the command, e.g. `node dist/subgraphs/catalog/main.js`),
 * works out that service's health URL from the container's environment and the registry
 * (see healthTargetOf), and exits 0 if it answers 2xx in time, 1 otherwise, with one line
 * saying which URL answered what (Docker keeps it: `docker inspect --format '{{json .State.Health}}'`).
 *
 * Arguments, if any, stand for that command (`node dist/platform/healthcheck/main.js dist/gateway/src/main.js`):
 * for a container whose main process is not the service itself.
 */
import { readFileSync } from 'node:fs';
import { healthTargetOf, HealthTargetError, type HealthTarget } from './healthTargetOf.js';

/** Below the Dockerfile's HEALTHCHECK --timeout, so that the reason is ours and not Docker's. */
const TIMEOUT_MS = 3_000;

function mainCommand(): string[] {
  const args = process.argv.slice(2);
  if (args.length > 0) return args;
  return readFileSync('/proc/1/cmdline', 'utf8').split('\0').filter((arg) => arg !== '');
}

let target: HealthTarget;
try {
  target = healthTargetOf(mainCommand(), process.env);
} catch (err) {
  console.error(`unhealthy: ${err instanceof HealthTargetError ? err.message : `cannot tell which service runs here: ${(err as Error).message}`}`);
  process.exit(1);
}

try {
  const res = await fetch(target.url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  await res.body?.cancel();
  console.log(`${res.ok ? 'healthy' : 'unhealthy'}: ${target.service} ${target.url} answered ${res.status}`);
  process.exit(res.ok ? 0 : 1);
} catch (err) {
  const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS} ms` : ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
  console.log(`unhealthy: ${target.service} ${target.url}: ${reason}`);
  process.exit(1);
}
