/**
 * Preloaded (`node --import`) into every service `npm start` runs (a compiled bench entry imports it): the service's stdin is
 * a pipe from npm start, and it closes when npm start dies in any way, SIGKILL included
 * (no signal handler runs then). The service then stops itself as on SIGTERM: it drains
 * and exits, instead of living on as an orphan holding its port.
 */
// Once per process, whether preloaded, imported by an entry, or both.
const watching = Symbol.for('mobile-graph.exitWithParent');
const registry = globalThis as { [watching]?: true };
if (!process.stdin.isTTY && registry[watching] === undefined) {
  registry[watching] = true;
  process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
  // A broken pipe means the same thing as a closed one.
  process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
  process.stdin.resume();
  // Watching must not keep a service alive that has finished on its own.
  (process.stdin as { unref?: () => void }).unref?.();
}

export {};
