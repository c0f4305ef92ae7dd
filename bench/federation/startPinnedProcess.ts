import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface PinnedProcess<T> {
  readonly pid: number;
  /** What `ready` made of the line that said the process is up. */
  readonly ready: T;
  /** SIGTERM, SIGKILL past `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface PinnedProcessOptions<T> {
  /** For messages. */
  readonly name: string;
  /** The CPU it may run on (`taskset -c`): every thread of it, GC and libuv's pool included. */
  readonly cpu: number;
  /** Arguments of node. */
  readonly args: readonly string[];
  readonly cwd: string;
  /** Its whole environment (PATH aside): nothing of this process's leaks in. */
  readonly env: Record<string, string>;
  /** Given each stdout line until it returns something: that is the ready signal. */
  readonly ready: (line: string) => T | undefined;
  /** Default 120 s: a busy machine starts slowly; the wait ends as soon as the line appears. */
  readonly timeoutMs?: number;
}

/** Every process started here and not yet stopped, so that an interrupted run leaves none behind. */
const running = new Set<() => void>();

/** Kills every pinned process still running (for SIGINT handlers). */
export function killPinnedProcesses(): void {
  for (const kill of running) kill();
}

/**
 * Runs node pinned to one CPU (`taskset -c <cpu> node …`: taskset execs node, so the pid is
 * node's and /proc/<pid> measures it), waits for its ready line, then keeps reading its
 * output (a full pipe would stall it), remembering the last lines for error messages.
 */
export async function startPinnedProcess<T>(options: PinnedProcessOptions<T>): Promise<PinnedProcess<T>> {
  const child = spawn('taskset', ['-c', String(options.cpu), process.execPath, ...options.args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${options.name}: could not spawn`);
  const pid = child.pid;
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
    if (tail.length > 20) tail.shift();
  };
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const kill = () => child.kill('SIGKILL');
  running.add(kill);
  createInterface({ input: child.stderr }).on('line', remember);

  let ready: T | undefined;
  const readyLine = new Promise<T>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (ready !== undefined) return;
      remember(line);
      ready = options.ready(line);
      if (ready !== undefined) resolve(ready);
    });
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      readyLine,
      exited.then(([code, signal]) => Promise.reject(new Error(`${options.name} exited (${signal ?? code}) before it was ready:\n  ${tail.join('\n  ')}`))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${options.name} was not ready within ${options.timeoutMs ?? 120_000} ms:\n  ${tail.join('\n  ')}`)), options.timeoutMs ?? 120_000);
      }),
    ]);
    return {
      pid,
      ready: value,
      async stop(graceMs = 15_000) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const force = setTimeout(kill, graceMs);
          await exited;
          clearTimeout(force);
        }
        running.delete(kill);
      },
    };
  } catch (err) {
    kill();
    running.delete(kill);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
