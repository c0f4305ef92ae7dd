import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parsePrometheusText } from '../../../test/harness/prometheusText.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import type { CacheStore } from '../../../platform/store/CacheStore.js';
import { createCacheStore } from '../../../platform/store/createCacheStore.js';
import { createBatchLoader } from '../loader/createBatchLoader.js';
import { cachedCall } from './cachedCall.js';
import { createCacheMetrics } from './cacheMetrics.js';
import { MeteredCacheStore } from './MeteredCacheStore.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const policy = { ttlMs: 1000, maxStaleMs: 5000 };
const stores: CacheStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function meteredStore() {
  const clock = { now: 1_000_000 };
  const plain = createCacheStore({ namespace: 'metrics-test', logger, now: () => clock.now });
  stores.push(plain);
  const registry = new Registry();
  const store = new MeteredCacheStore(plain, createCacheMetrics(registry));
  const read = async () => parsePrometheusText(await registry.metrics());
  return { store, clock, read };
}

/** Waits until the (unawaited) writes of `keys` have landed. */
async function stored(store: CacheStore, keys: readonly string[]) {
  await vi.waitFor(async () => expect((await Promise.all(keys.map((k) => store.get(k)))).every((e) => e !== undefined)).toBe(true), {
    timeout: 1000,
    interval: 1,
  });
}

const lookups = (cache: string, result: 'hit' | 'miss') => ['cache_lookups_total', { cache, result }] as const;

describe('cache metrics: cachedCall', () => {
  it('counts a miss, then a hit, then a miss past the TTL, under the name it was given', async () => {
    const { store, clock, read } = meteredStore();
    const call = { name: 'catalog:list', key: 'abc123', policy };
    await cachedCall(store, call, async () => 'page');
    await stored(store, ['catalog:list:abc123']);
    await cachedCall(store, call, async () => 'page');
    clock.now += policy.ttlMs;
    await cachedCall(store, call, async () => 'page');
    const m = await read();
    expect(m.value(...lookups('catalog:list', 'miss'))).toBe(2);
    expect(m.value(...lookups('catalog:list', 'hit'))).toBe(1);
    expect(m.value('cache_stale_served_total', { cache: 'catalog:list' })).toBe(0);
    // The variable part of the key never becomes a label.
    expect(m.samples.some((s) => Object.values(s.labels).some((v) => v.includes('abc123')))).toBe(false);
  });

  it('counts a stale value served when the vendor fails, and nothing when the cache is off', async () => {
    const { store, clock, read } = meteredStore();
    const thing = { name: 'reviews:thing', key: '1', policy };
    await cachedCall(store, thing, async () => 'old');
    await stored(store, ['reviews:thing:1']);
    clock.now += policy.ttlMs + 1;
    await expect(cachedCall(store, thing, () => Promise.reject(new Error('vendor down')))).resolves.toBe('old');
    await cachedCall(store, { name: 'reviews:off', key: '1', policy: { ttlMs: 0, maxStaleMs: 0 } }, async () => 'uncached');
    const m = await read();
    expect(m.value('cache_stale_served_total', { cache: 'reviews:thing' })).toBe(1);
    expect(m.value(...lookups('reviews:thing', 'miss'))).toBe(2);
    expect(m.find('cache_lookups_total', { cache: 'reviews:off' })).toEqual([]);
  });

  it('a key with colons in its variable part puts none of it in the label', async () => {
    const { store, read } = meteredStore();
    // A key made of input (a search term, a URL) may hold any character; the label is only the name.
    await cachedCall(store, { name: 'catalog:search', key: 'user:typed:https://x.example/q', policy }, async () => 'page');
    const m = await read();
    expect(m.value(...lookups('catalog:search', 'miss'))).toBe(1);
    expect(m.find('cache_lookups_total').map((s) => s.labels.cache)).toEqual(['catalog:search', 'catalog:search']);
    expect(m.samples.some((s) => Object.values(s.labels).some((v) => v.includes('typed') || v.includes('example')))).toBe(false);
  });

  it('a plain store is not counted (and works the same)', async () => {
    const plain = createCacheStore({ namespace: 'plain', logger });
    stores.push(plain);
    await expect(cachedCall(plain, { name: 'x', key: '1', policy }, async () => 1)).resolves.toBe(1);
  });
});

describe('cache metrics: createBatchLoader', () => {
  const loader = (store: CacheStore, fetchBatch: (keys: readonly string[]) => Promise<{ id: string }[]>) =>
    createBatchLoader({ name: 'catalog:product', fetchBatch, keyOf: (row) => row.id, maxBatchSize: 10, cache: { store, policy } });
  const rows = async (keys: readonly string[]) => keys.map((id) => ({ id }));

  it('counts each key once: misses on a cold cache, hits on a warm one, misses again past the TTL', async () => {
    const { store, clock, read } = meteredStore();
    await loader(store, rows).loadMany(['1', '2', '3']);
    await stored(store, ['catalog:product:1', 'catalog:product:2', 'catalog:product:3']);
    // A new loader per request, as in a subgraph: DataLoader's own memo must not hide the shared cache.
    await loader(store, rows).loadMany(['1', '2', '4']);
    let m = await read();
    expect(m.value(...lookups('catalog:product', 'miss'))).toBe(4);
    expect(m.value(...lookups('catalog:product', 'hit'))).toBe(2);
    await stored(store, ['catalog:product:4']);
    clock.now += policy.ttlMs;
    await loader(store, rows).loadMany(['1', '4']);
    m = await read();
    expect(m.value(...lookups('catalog:product', 'miss'))).toBe(6);
    expect(m.value(...lookups('catalog:product', 'hit'))).toBe(2);
  });

  it('counts the stale values served for a failed chunk, not the keys that had none', async () => {
    const { store, clock, read } = meteredStore();
    await loader(store, rows).loadMany(['1', '2']);
    await stored(store, ['catalog:product:1', 'catalog:product:2']);
    clock.now += policy.ttlMs + 1;
    const results = await loader(store, () => Promise.reject(new Error('vendor down'))).loadMany(['1', '2', '3']);
    expect(results.slice(0, 2)).toEqual([{ id: '1' }, { id: '2' }]);
    expect(results[2]).toBeInstanceOf(Error);
    const m = await read();
    expect(m.value('cache_stale_served_total', { cache: 'catalog:product' })).toBe(2);
    expect(m.value(...lookups('catalog:product', 'miss'))).toBe(5);
  });
});
