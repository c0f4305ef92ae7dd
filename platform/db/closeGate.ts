/**
 * What `Database.close()` promises on both kinds: it waits for the queries already
 * running (a worker's last `complete`, a request's COMMIT), then closes once however
 * often it is called; anything started after it fails at once instead of reaching a
 * pool or a WASM instance that is being torn down.
 */
export interface CloseGate {
  run<T>(op: () => Promise<T>): Promise<T>;
  close(finish: () => Promise<void>): Promise<void>;
}

export function createCloseGate(what: string): CloseGate {
  let running = 0;
  let idle: (() => void) | undefined;
  let closing: Promise<void> | undefined;
  return {
    async run(op) {
      if (closing) throw new Error(`${what} is closed`);
      running++;
      try {
        return await op();
      } finally {
        running--;
        if (running === 0) idle?.();
      }
    },
    close(finish) {
      closing ??= (async () => {
        if (running > 0) await new Promise<void>((resolve) => (idle = resolve));
        await finish();
      })();
      return closing;
    },
  };
}
