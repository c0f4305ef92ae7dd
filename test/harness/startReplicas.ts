import { randomUUID } from 'node:crypto';
import { startSandbox, type Sandbox } from '../../vendors/startSandbox.js';
import { startStack, type Stack, type StackOptions } from './startStack.js';

export interface Replicas {
  readonly sandbox: Sandbox;
  readonly a: Stack;
  readonly b: Stack;
  close(): Promise<void>;
}

/**
 * Two complete stacks (gateway and subgraphs) sharing one sandbox and one Redis, as two
 * replicas of a deployment would: same Redis prefix and cache namespace, unique to this
 * call so that test files never share state.
 */
export async function startReplicas(redisUrl: string, options: { env?: Record<string, string> } = {}): Promise<Replicas> {
  const sandbox = await startSandbox({ host: '127.0.0.1' });
  const shared: StackOptions = {
    sandbox,
    redisUrl,
    cacheNamespace: `replicas-${randomUUID()}`,
    env: { REDIS_URL: redisUrl, REDIS_PREFIX: `test-${randomUUID()}`, ...options.env },
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

/** The title of a Redis-only suite: says why it was skipped when REDIS_URL is unset. */
export function redisSuiteTitle(title: string, redisUrl: string | undefined): string {
  return `${title}${redisUrl ? '' : ' (skipped: set REDIS_URL to run against a real Redis)'}`;
}
