import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXIT_WITH_PARENT = new URL('../../scripts/start/exitWithParent.ts', import.meta.url).href;

export interface SpawnEntryOptions {
  /**
   * The child watches a stdin pipe from this process and stops itself (as on SIGTERM) when
   * it closes, as `npm start`'s services do: should this process die without its `finally`
   * (a killed test runner), no child lives on. A compiled (`.js`) entry gets the pipe but
   * must import scripts/start/exitWithParent itself. Default false.
   */
  readonly exitWithParent?: boolean;
}

export interface SpawnedEntry {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it wrote so far (stdout and stderr, interleaved). */
  output(): string;
  /** Resolves with the first match of `pattern` in its output; rejects if it exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with its exit code and signal (at once if it already exited). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops it if it still runs (SIGKILL to its process group: it and anything it spawned). For `finally`. */
  kill(): void;
  /** SIGTERM to its process group (it drains and exits), SIGKILL past `graceMs` (default 15 s); resolves once it has exited. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs an entry point (`subgraphs/<name>/main.ts`, `scripts/start.ts`, …; a `.js` one on plain node) as a long-lived
 * child from the project root with `env` and nothing else of this process's environment
 * (PATH aside), in its own process group so that a test can signal or clean up the whole
 * group. Readiness waits are generous: they return as soon as the line appears.
 */
export function spawnEntry(entry: string, env: Record<string, string>, args: readonly string[] = [], options: SpawnEntryOptions = {}): SpawnedEntry {
  // A compiled entry (`.js`, e.g. under a production build) runs on plain node, as the image runs it.
  const loader = entry.endsWith('.js') ? [] : ['--import', 'tsx'];
  // The preload is TypeScript: a compiled entry imports its compiled copy itself (stdin is still the pipe).
  const preload = options.exitWithParent && loader.length > 0 ? ['--import', EXIT_WITH_PARENT] : [];
  const child = spawn(process.execPath, [...loader, ...preload, entry, ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', APOLLO_TELEMETRY_DISABLED: '1', ...env },
    stdio: [options.exitWithParent ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: true,
  }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
  if (child.pid === undefined) throw new Error(`could not spawn ${entry}`);
  child.stdin?.on('error', () => undefined);
  const pid = child.pid;
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  return {
    child,
    pid,
    output: () => out,
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = out.match(pattern);
          if (match === null) return false;
          done();
          resolve(match);
          return true;
        };
        const onExit = () => {
          if (check()) return;
          done();
          reject(new Error(`${entry} exited (${JSON.stringify(exit)}) before printing ${pattern}:\n${out}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${entry} did not print ${pattern} within ${timeoutMs} ms:\n${out}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          child.stdout.off('data', check);
          child.stderr.off('data', check);
          child.off('exit', onExit);
        };
        if (check()) return;
        if (exit !== undefined) return onExit();
        child.stdout.on('data', check);
        child.stderr.on('data', check);
        child.once('exit', onExit);
      });
    },
    exited: () => exitPromise,
    kill: () => signalGroup('SIGKILL'),
    async stop(graceMs = 15_000) {
      if (exit !== undefined) return exit;
      signalGroup('SIGTERM');
      const grace = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs).unref());
      if ((await Promise.race([exitPromise, grace])) === 'late') signalGroup('SIGKILL');
      return exitPromise;
    },
  };
}

/**
 * Whether a process with this PID still runs (signal 0 checks without sending anything).
 * A zombie (exited, not yet reaped by whoever inherited it) does not count.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // "<pid> (<comm>) <state> …": the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (err) {
    // Gone since the signal; or no /proc on this system, where the signal's answer stands.
    return !((err as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self/stat'));
  }
}
