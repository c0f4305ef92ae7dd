import { randomUUID } from 'node:crypto';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subgraphEntries } from '../../platform/registry/services.js';
import { startSandbox, type Sandbox } from '../../vendors/startSandbox.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

const redisUrl = process.env.REDIS_URL;

/**
 * Two deployments (say staging and production) sharing one Redis, told apart only by
 * REDIS_PREFIX: each one's vendor caches live under its own prefix, and they share no key.
 * The keys are read from the real Redis, not from our code's idea of them.
 */
describe.skipIf(!redisUrl)('REDIS_PREFIX namespaces every subgraph cache key (needs REDIS_URL)', () => {
  const prefixes = [`deploy-a-${randomUUID()}`, `deploy-b-${randomUUID()}`] as const;
  let sandbox: Sandbox;
  const stacks: Stack[] = [];
  const redis = createClient({ url: redisUrl });

  beforeAll(async () => {
    await redis.connect();
    sandbox = await startSandbox();
    // Different cacheNamespace too: only REDIS_PREFIX may separate them, so give the harness nothing else to go by.
    for (const prefix of prefixes) stacks.push(await startStack({ sandbox, redisUrl, cacheNamespace: 'same-for-both', env: { REDIS_PREFIX: prefix } }));
  });
  afterAll(async () => {
    for (const stack of stacks) await stack.close();
    await sandbox?.close();
    if (redis.isOpen) {
      for (const prefix of prefixes) for (const key of await keys(`${prefix}:*`)) await redis.del(key);
      redis.destroy();
    }
  });

  async function keys(pattern: string): Promise<string[]> {
    const found: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: pattern, COUNT: 500 })) found.push(...(Array.isArray(batch) ? batch : [batch]));
    return found;
  }

  it('two stacks warm their caches under their own prefix and share no key', async () => {
    for (const stack of stacks) {
      const res = await stack.query(operation('HomeScreen'));
      expect(res.json.errors).toBeUndefined();
    }
    const [a, b] = await Promise.all(prefixes.map((p) => keys(`${p}:*`)));
    // Each deployment cached what its home screen fetched, in every subgraph the home screen reaches.
    for (const [prefix, found] of [[prefixes[0], a!], [prefixes[1], b!]] as const) {
      for (const name of ['catalog', 'reviews']) expect(found.some((k) => k.startsWith(`${prefix}:${name}::`)), `${prefix}:${name}::…`).toBe(true);
    }
    const strip = (prefix: string, list: string[]) => new Set(list.map((k) => k.slice(prefix.length)));
    const suffixesA = strip(prefixes[0], a!);
    expect([...strip(prefixes[1], b!)].filter((k) => suffixesA.has(k)).length).toBeGreaterThan(0); // the same entries, twice…
    expect(a!.filter((k) => b!.includes(k))).toEqual([]); // …under different keys
    // And nothing of either landed outside its prefix (e.g. under the bare subgraph name or the shared namespace).
    for (const name of subgraphEntries.map((s) => s.name)) expect(await keys(`same-for-both:${name}::*`)).toEqual([]);
  }, 60_000);
});
