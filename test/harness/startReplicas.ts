import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { startSandbox, type Sandbox } from '../../vendors/startSandbox.js';
import { startStack, type Stack, type StackOptions } from './startStack.js';

export interface Replicas {
  readonly sandbox: Sandbox;
  readonly a: Stack;
  readonly b: Stack;
  close(): Promise<void>;
}

export interface ReplicaOptions {
  /** Extra environment for both stacks, e.g. { RATE_LIMIT_PER_IP: '5' }. */
  readonly env?: Record<string, string>;
}

/**
 * Two complete stacks (gateway and subgraphs) sharing one sandbox and one Redis, as two
 * replicas of a deployment would: same Redis prefix and cache namespace, unique to this
 * call so that test files never share state.
 */
export async function startReplicas(redisUrl: string, options: ReplicaOptions = {}): Promise<Replicas> {
  const sandbox = await startSandbox({ host: '127.0.0.1' });
  const shared: StackOptions = {
    sandbox,
    redisUrl,
    cacheNamespace: `replicas-${randomUUID()}`,
    env: { REDIS_PREFIX: `test-${randomUUID()}`, ...options.env },
  };
  const started: Stack[] = [];
  try {
    started.push(await startStack(shared));
    started.push(await startStack(shared));
  } catch (err) {
    for (const stack of started) await stack.close();
    await sandbox.close();
    throw err;
  }
  const [a, b] = started as [Stack, Stack];
  return {
    sandbox,
    a,
    b,
    async close() {
      await Promise.allSettled([a.close(), b.close()]);
      await sandbox.close();
    },
  };
}

/**
 * A suite on two replicas sharing the Redis at `redisUrl`, started before its first test
 * and closed after its last. Without a `redisUrl` the suite is skipped, and its title says
 * why (the default reporter only counts skipped tests).
 */
export function describeOnReplicas(
  title: string,
  redisUrl: string | undefined,
  options: ReplicaOptions,
  tests: (replicas: () => Replicas) => void,
): void {
  describe.skipIf(!redisUrl)(`${title}${redisUrl ? '' : ' (skipped: set REDIS_URL to run against a real Redis)'}`, () => {
    let replicas: Replicas | undefined;
    beforeAll(async () => {
      replicas = await startReplicas(redisUrl!, options);
    });
    afterAll(() => replicas?.close());
    tests(() => {
      if (!replicas) throw new Error('the replicas did not start');
      return replicas;
    });
  });
}
