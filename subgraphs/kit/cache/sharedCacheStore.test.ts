import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createClient } from '@keyv/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/log/createLogger.js';
import { cachedCall } from './cachedCall.js';
import { createCacheStore } from '../../../platform/store/createCacheStore.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const policy = { ttlMs: 60_000, maxStaleMs: 120_000 };
const REDIS_URL = process.env.REDIS_URL;

describe.skipIf(!REDIS_URL)(REDIS_URL ? 'redis cache' : 'redis cache (skipped: set REDIS_URL to run against a real Redis)', () => {
  const namespace = `kit-test-${randomUUID()}`;
  const raw = createClient({ url: REDIS_URL ?? 'redis://127.0.0.1:6379' });

  afterAll(async () => {
    if (!raw.isOpen) return;
    const keys = await raw.keys(`${namespace}*`);
    if (keys.length > 0) await raw.del(keys);
    raw.destroy();
  });

  it('stores entries that another store instance (another replica) reads, with TTL = ttl + maxStale', async () => {
    await raw.connect();
    const writer = createCacheStore({ redisUrl: REDIS_URL!, namespace, logger });
    const reader = createCacheStore({ redisUrl: REDIS_URL!, namespace, logger });
    try {
      expect(writer.kind).toBe('redis');
      // the client connects in the background; the first writes may be misses until then
      await expect.poll(async () => {
        await writer.set('product:1', { id: '1', name: 'Lamp' }, policy);
        return (await reader.get('product:1'))?.value;
      }, { timeout: 5000, interval: 20 }).toEqual({ id: '1', name: 'Lamp' });
      const entry = await reader.get<{ id: string }>('product:1');
      expect(typeof entry?.storedAt).toBe('number');
      await writer.set('product:none', null, policy);
      expect(await reader.get('product:none')).toMatchObject({ value: null });

      const keys = await raw.keys(`${namespace}*`);
      expect(keys).toContain(`${namespace}::product:1`);
      const pttl = await raw.pTTL(`${namespace}::product:1`);
      expect(pttl).toBeGreaterThan(policy.ttlMs + policy.maxStaleMs - 5000);
      expect(pttl).toBeLessThanOrEqual(policy.ttlMs + policy.maxStaleMs);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('deletes entries (one, or many in one call) for every replica', async () => {
    const writer = createCacheStore({ redisUrl: REDIS_URL!, namespace, logger });
    const reader = createCacheStore({ redisUrl: REDIS_URL!, namespace, logger });
    try {
      await expect.poll(async () => {
        await writer.set('del:1', 1, policy);
        return (await reader.get('del:1'))?.value;
      }, { timeout: 5000, interval: 20 }).toBe(1);
      await writer.set('del:2', 2, policy);
      await writer.set('del:3', 3, policy);
      await writer.set('del:keep', 'kept', policy);
      await writer.delete('del:1');
      await writer.deleteMany(['del:2', 'del:3', 'del:never']);
      expect(await reader.get('del:1')).toBeUndefined();
      expect(await reader.get('del:2')).toBeUndefined();
      expect(await reader.get('del:3')).toBeUndefined();
      expect((await reader.get('del:keep'))?.value).toBe('kept');
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('serves cachedCall hits from Redis', async () => {
    const store = createCacheStore({ redisUrl: REDIS_URL!, namespace, logger });
    try {
      await expect.poll(async () => {
        await store.set('test:k', 'cached', policy);
        return (await store.get('test:k'))?.value;
      }, { timeout: 5000, interval: 20 }).toBe('cached');
      let loads = 0;
      await expect(cachedCall(store, { name: 'test', key: 'k', policy }, async () => `loaded ${++loads}`)).resolves.toBe('cached');
      expect(loads).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe('redis cache that is unreachable or hung', () => {
  const hungSockets: Socket[] = [];
  // Answers the client's handshake (CLIENT SETINFO …), then never answers a command again.
  const hung = createServer((socket) => {
    hungSockets.push(socket);
    socket.on('data', (data: Buffer) => {
      const handshakes = data.toString().split('SETINFO').length - 1;
      if (handshakes > 0) socket.write('+OK\r\n'.repeat(handshakes));
    });
  });

  afterAll(async () => {
    for (const s of hungSockets) s.destroy();
    hung.close();
  });

  /** Far above every budget here (200 ms), far below the test timeout: "it gave up", not "it was quick". */
  const UNBOUNDED_MS = 5_000;

  it('degrades to misses at a dead port without throwing or hanging, and closes', async () => {
    const store = createCacheStore({ redisUrl: 'redis://127.0.0.1:1', namespace: 'dead', logger, opTimeoutMs: 200 });
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.get(`k${i}`)));
    expect(results.every((r) => r === undefined)).toBe(true);
    await expect(store.set('k', 'v', policy)).resolves.toBeUndefined();
    await expect(store.delete('k')).resolves.toBeUndefined();
    await expect(store.deleteMany(['k', 'j'])).resolves.toBeUndefined();
    expect(await cachedCall(store, { name: 'test', key: 'k', policy }, async () => 'from vendor')).toBe('from vendor');
    // Bounded, not fast: unbounded operations on a dead Redis would never finish. A generous
    // multiple of the 200 ms budget keeps a busy machine from failing this.
    expect(performance.now() - started).toBeLessThan(UNBOUNDED_MS);
    await store.close();
    expect(await store.get('k')).toBeUndefined();
  });

  it('bounds every operation when Redis accepts connections but never answers', async () => {
    hung.listen(0, '127.0.0.1');
    await once(hung, 'listening');
    const port = (hung.address() as AddressInfo).port;
    const store = createCacheStore({ redisUrl: `redis://127.0.0.1:${port}`, namespace: 'hung', logger, opTimeoutMs: 200 });
    try {
      await new Promise((r) => setTimeout(r, 100)); // let it connect and finish its handshake
      const started = performance.now();
      expect(await store.get('k')).toBeUndefined();
      await store.set('k', 'v', policy);
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(2 * 200 - 10); // both really waited for the hung server…
      expect(elapsed).toBeLessThan(UNBOUNDED_MS); // …and gave up (a hung Redis would hold them forever)
    } finally {
      const closing = performance.now();
      await store.close();
      expect(performance.now() - closing).toBeLessThan(UNBOUNDED_MS);
    }
  });
});
