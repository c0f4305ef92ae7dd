import { afterEach } from 'vitest';

export interface Closable {
  close(): Promise<void>;
}

/**
 * For tests that start servers one by one: returns `track`, which hands back what it is
 * given and closes it after the test, the last started first (a gateway before the
 * subgraphs behind it). Call at the top of a file or `describe`.
 */
export function closeAfterEach(): <T extends Closable>(started: T | Promise<T>) => Promise<T> {
  const toClose: Closable[] = [];
  afterEach(async () => {
    for (const s of toClose.splice(0).reverse()) await s.close();
  });
  return async (started) => {
    const s = await started;
    toClose.push(s);
    return s;
  };
}
