import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../platform/log/createLogger.js';
import { cachedCall } from './cachedCall.js';
import type { CacheStore } from '../../../platform/store/CacheStore.js';
import { createCacheStore } from '../../../platform/store/createCacheStore.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const policy = { ttlMs: 1000, maxStaleMs: 5000 };
const stores: CacheStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function memoryStore(maxEntries?: number) {
  const clock = { now: 1_000_000 };
  const store = createCacheStore({ namespace: 'test', logger, now: () => clock.now, ...(maxEntries ? { maxEntries } : {}) });
  stores.push(store);
  return { store, clock };
}

/** Waits until the (unawaited) write of `key` has landed. */
async function stored(store: CacheStore, key: string) {
  await vi.waitFor(async () => expect(await store.get(key)).toBeDefined(), { timeout: 1000, interval: 1 });
}

describe('cachedCall', () => {
  it('serves a fresh hit without calling load', async () => {
    const { store, clock } = memoryStore();
    const load = vi.fn(async () => ({ n: 1 }));
    await expect(cachedCall(store, { name: 'test', key: 'k', policy }, load)).resolves.toEqual({ n: 1 });
    await stored(store, 'test:k');
    clock.now += 999;
    await expect(cachedCall(store, { name: 'test', key: 'k', policy }, load)).resolves.toEqual({ n: 1 });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('reloads once the entry is older than ttl', async () => {
    const { store, clock } = memoryStore();
    let n = 0;
    const load = vi.fn(async () => ++n);
    await cachedCall(store, { name: 'test', key: 'k', policy }, load);
    await stored(store, 'test:k');
    clock.now += 1000;
    await expect(cachedCall(store, { name: 'test', key: 'k', policy }, load)).resolves.toBe(2);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('serves the stale value when load fails within maxStale, and the error after it', async () => {
    const { store, clock } = memoryStore();
    await cachedCall(store, { name: 'test', key: 'k', policy }, async () => 'old');
    await stored(store, 'test:k');
    const boom = new Error('vendor down');
    const failing = vi.fn(async () => {
      throw boom;
    });
    clock.now += 1000 + 4999; // stale, within max-stale
    await expect(cachedCall(store, { name: 'test', key: 'k', policy }, failing)).resolves.toBe('old');
    clock.now += 1; // age = ttl + maxStale
    await expect(cachedCall(store, { name: 'test', key: 'k', policy }, failing)).rejects.toBe(boom);
    expect(failing).toHaveBeenCalledTimes(2);
  });

  it('rethrows when there is nothing cached', async () => {
    const { store } = memoryStore();
    const boom = new Error('vendor down');
    await expect(
      cachedCall(store, { name: 'test', key: 'k', policy }, async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('ttl 0 disables caching: always loads, stores nothing', async () => {
    const { store } = memoryStore();
    const off = { ttlMs: 0, maxStaleMs: 5000 };
    let n = 0;
    const load = vi.fn(async () => ++n);
    await cachedCall(store, { name: 'test', key: 'k', policy: off }, load);
    await cachedCall(store, { name: 'test', key: 'k', policy: off }, load);
    expect(load).toHaveBeenCalledTimes(2);
    await new Promise((r) => setTimeout(r, 10));
    expect(await store.get('test:k')).toBeUndefined();
  });
});

describe('memory cache store', () => {
  it('returns entries with storedAt and isolates them from later mutation', async () => {
    const { store, clock } = memoryStore();
    expect(store.kind).toBe('memory');
    const value = { list: [1, 2] };
    await store.set('k', value, policy);
    value.list.push(3);
    expect(await store.get('k')).toEqual({ value: { list: [1, 2] }, storedAt: clock.now });
  });

  it('hands out results that cannot corrupt the cache: the top level is a copy, the rest is frozen', async () => {
    const { store } = memoryStore();
    await store.set('k', { list: [1, 2], n: 1 }, policy);
    const got = (await store.get<{ list: number[]; n: number }>('k'))!.value;
    got.n = 2;
    expect(() => got.list.push(3)).toThrow(TypeError);
    expect((await store.get('k'))?.value).toEqual({ list: [1, 2], n: 1 });
  });

  it('caches null (negative caching) as a hit', async () => {
    const { store } = memoryStore();
    await store.set('missing', null, policy);
    expect(await store.get('missing')).toMatchObject({ value: null });
  });

  it('is bounded: past maxEntries the oldest entries are evicted', async () => {
    const { store } = memoryStore(3);
    for (const k of ['a', 'b', 'c', 'd', 'e']) await store.set(k, k, policy);
    const got = await Promise.all(['a', 'b', 'c', 'd', 'e'].map(async (k) => (await store.get<string>(k))?.value));
    expect(got).toEqual([undefined, undefined, 'c', 'd', 'e']);
  });

  it('deletes one entry or many, leaves the others, and never throws (also after close)', async () => {
    const { store } = memoryStore();
    for (const k of ['a', 'b', 'c', 'd']) await store.set(k, k, policy);
    await store.delete('a');
    await store.deleteMany(['b', 'c', 'never-stored']);
    await store.deleteMany([]);
    const got = await Promise.all(['a', 'b', 'c', 'd'].map(async (k) => (await store.get<string>(k))?.value));
    expect(got).toEqual([undefined, undefined, undefined, 'd']);
    await store.close();
    await expect(store.delete('d')).resolves.toBeUndefined();
    await expect(store.deleteMany(['d'])).resolves.toBeUndefined();
  });
});
