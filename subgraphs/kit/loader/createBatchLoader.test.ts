import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CacheStore } from '../../../platform/store/CacheStore.js';
import { createCacheStore } from '../../../platform/store/createCacheStore.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { createBatchLoader } from './createBatchLoader.js';

interface Row {
  id: string;
  name: string;
}

const logger = createLogger({ service: 'test', level: 'silent' });
const policy = { ttlMs: 1000, maxStaleMs: 5000 };
const stores: CacheStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function memoryStore() {
  const clock = { now: 1_000_000 };
  const store = createCacheStore({ namespace: 'loader-test', logger, now: () => clock.now });
  stores.push(store);
  return { store, clock };
}

/** A fake vendor batch endpoint: knows ids 1..100, answers in reverse order, records each call's keys. */
function vendor(options: { failFor?: (keys: readonly string[]) => boolean } = {}) {
  const calls: string[][] = [];
  const fetchBatch = vi.fn(async (keys: readonly string[]): Promise<Row[]> => {
    calls.push([...keys]);
    if (options.failFor?.(keys)) throw new Error('vendor down');
    return keys
      .filter((k) => Number(k) >= 1 && Number(k) <= 100)
      .map((id) => ({ id, name: `item ${id}` }))
      .reverse();
  });
  return { fetchBatch, calls };
}

async function settle(store: CacheStore, keys: string[]) {
  await vi.waitFor(async () => {
    for (const k of keys) expect(await store.get(`p:${k}`)).toBeDefined();
  }, { timeout: 1000, interval: 1 });
}

describe('createBatchLoader', () => {
  it('maps rows back by key when the vendor reorders and drops rows (missing → null)', async () => {
    const { fetchBatch, calls } = vendor();
    const loader = createBatchLoader<string, Row>({ name: 'p', fetchBatch, keyOf: (r) => r.id, maxBatchSize: 10 });
    const got = await loader.loadMany(['3', '999', '1', '2']);
    expect(got).toEqual([{ id: '3', name: 'item 3' }, null, { id: '1', name: 'item 1' }, { id: '2', name: 'item 2' }]);
    expect(calls).toEqual([['3', '999', '1', '2']]);
  });

  it('dedupes keys within a request', async () => {
    const { fetchBatch, calls } = vendor();
    const loader = createBatchLoader<string, Row>({ name: 'p', fetchBatch, keyOf: (r) => r.id, maxBatchSize: 10 });
    await Promise.all([loader.load('1'), loader.load('2'), loader.load('1'), loader.load('2')]);
    await loader.load('1');
    expect(calls).toEqual([['1', '2']]);
  });

  it('compares keys through cacheKey, so a vendor that returns numbers still maps back', async () => {
    const loader = createBatchLoader<number, { id: string }>({
      name: 'p',
      fetchBatch: async (keys) => keys.map((k) => ({ id: String(k) })),
      keyOf: (r) => Number(r.id),
      maxBatchSize: 10,
    });
    expect(await loader.loadMany([1, 2])).toEqual([{ id: '1' }, { id: '2' }]);
  });

  it('splits at maxBatchSize into concurrent chunks', async () => {
    const { fetchBatch, calls } = vendor();
    let inFlight = 0;
    let maxInFlight = 0;
    const loader = createBatchLoader<string, Row>({
      name: 'p',
      fetchBatch: async (keys) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return fetchBatch(keys);
      },
      keyOf: (r) => r.id,
      maxBatchSize: 4,
    });
    const keys = Array.from({ length: 10 }, (_, i) => String(i + 1));
    const got = await loader.loadMany(keys);
    expect(got.map((r) => (r as Row).id)).toEqual(keys);
    expect(calls.map((c) => c.length)).toEqual([4, 4, 2]);
    expect(maxInFlight).toBe(3);
  });

  it('with batching off makes one fetch per key (the naive baseline)', async () => {
    const { fetchBatch, calls } = vendor();
    const loader = createBatchLoader<string, Row>({ name: 'p', fetchBatch, keyOf: (r) => r.id, maxBatchSize: 10, batching: false });
    await Promise.all(['1', '2', '3', '2'].map((k) => loader.load(k)));
    expect(calls.sort()).toEqual([['1'], ['2'], ['3']]);
  });

  it('serves fresh cache hits without fetching them, across requests', async () => {
    const { store } = memoryStore();
    const { fetchBatch, calls } = vendor();
    const make = () => createBatchLoader<string, Row>({ name: 'p', fetchBatch, keyOf: (r) => r.id, maxBatchSize: 2, cache: { store, policy } });
    await make().loadMany(['1', '2']);
    await settle(store, ['1', '2']);
    const got = await make().loadMany(['1', '2', '3', '4', '5']);
    expect(got.map((r) => (r as Row).id)).toEqual(['1', '2', '3', '4', '5']);
    // hits are removed before chunking: 3 misses → chunks of 2 and 1
    expect(calls).toEqual([['1', '2'], ['3', '4'], ['5']]);
  });

  it('on a failed chunk serves stale values for cached keys and an Error for the others', async () => {
    const { store, clock } = memoryStore();
    let down = false;
    const { fetchBatch, calls } = vendor({ failFor: () => down });
    const make = () => createBatchLoader<string, Row>({ name: 'p', fetchBatch, keyOf: (r) => r.id, maxBatchSize: 10, cache: { store, policy } });
    await make().loadMany(['1', '2']);
    await settle(store, ['1', '2']);
    clock.now += 2000; // stale (ttl 1 s), within max-stale
    down = true;
    const got = await make().loadMany(['1', '2', '3']);
    expect(calls.at(-1)).toEqual(['1', '2', '3']); // stale keys are re-fetched first
    expect(got[0]).toEqual({ id: '1', name: 'item 1' });
    expect(got[1]).toEqual({ id: '2', name: 'item 2' });
    expect(got[2]).toBeInstanceOf(Error);
    expect((got[2] as Error).message).toBe('vendor down');

    clock.now += 5000; // past max-stale: errors for everything
    const late = await make().loadMany(['1', '2']);
    expect(late.every((r) => r instanceof Error)).toBe(true);
  });

  it('fails only the keys of the chunk that failed', async () => {
    const { fetchBatch } = vendor({ failFor: (keys) => keys.includes('3') });
    const loader = createBatchLoader<string, Row>({ name: 'p', fetchBatch, keyOf: (r) => r.id, maxBatchSize: 2 });
    const got = await loader.loadMany(['1', '2', '3', '4']);
    expect(got.slice(0, 2)).toEqual([
      { id: '1', name: 'item 1' },
      { id: '2', name: 'item 2' },
    ]);
    expect(got[2]).toBeInstanceOf(Error);
    expect(got[3]).toBeInstanceOf(Error);
  });

  it('caches null for missing keys (negative caching)', async () => {
    const { store } = memoryStore();
    const { fetchBatch, calls } = vendor();
    const make = () => createBatchLoader<string, Row>({ name: 'p', fetchBatch, keyOf: (r) => r.id, maxBatchSize: 10, cache: { store, policy } });
    expect(await make().load('404')).toBeNull();
    await settle(store, ['404']);
    expect(await store.get('p:404')).toMatchObject({ value: null });
    expect(await make().load('404')).toBeNull();
    expect(calls).toEqual([['404']]);
  });

  it('ignores the cache when its ttl is 0', async () => {
    const { store } = memoryStore();
    const { fetchBatch, calls } = vendor();
    const make = () =>
      createBatchLoader<string, Row>({ name: 'p', fetchBatch, keyOf: (r) => r.id, maxBatchSize: 10, cache: { store, policy: { ttlMs: 0, maxStaleMs: 0 } } });
    await make().load('1');
    await make().load('1');
    expect(calls).toEqual([['1'], ['1']]);
  });
});
