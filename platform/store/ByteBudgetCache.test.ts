import { describe, expect, it } from 'vitest';
import { ByteBudgetCache } from './ByteBudgetCache.js';

/** Entries charged their string length, plus what the cache adds per entry (key ×2 + 128). */
const cacheOf = (maxBytes: number) => new ByteBudgetCache<string>({ maxBytes, sizeOf: (value) => value.length });
const cost = (key: string, value: string) => value.length + 2 * key.length + 128;

describe('ByteBudgetCache', () => {
  it('evicts the least recently used until the new entry fits, never exceeding the budget', async () => {
    const entry = 'x'.repeat(300);
    const cache = cacheOf(3 * cost('a', entry));
    await cache.set('a', entry);
    await cache.set('b', entry);
    await cache.set('c', entry);
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 3 * cost('a', entry), evictions: 0 });

    expect(await cache.get('a')).toBe(entry); // a is now the most recently used
    await cache.set('d', entry);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(entry);
    expect(cache.stats()).toMatchObject({ entries: 3, evictions: 1, hits: 2, misses: 1 });

    // A larger entry pushes out as many as it needs.
    await cache.set('e', 'y'.repeat(700));
    expect(cache.stats().bytes).toBeLessThanOrEqual(3 * cost('a', entry));
    expect(await cache.get('e')).toBe('y'.repeat(700));
    expect(cache.stats().evictions).toBe(3);
  });

  it('does not store a value larger than the whole budget, and keeps what it had', async () => {
    const cache = cacheOf(1_000);
    await cache.set('small', 'v');
    await cache.set('huge', 'z'.repeat(2_000));
    expect(await cache.get('huge')).toBeUndefined();
    expect(await cache.get('small')).toBe('v');
    expect(cache.stats()).toMatchObject({ entries: 1, refused: 1, evictions: 0 });
  });

  it('re-setting a key replaces its charge; delete and clear give the bytes back', async () => {
    const cache = cacheOf(10_000);
    await cache.set('k', 'a'.repeat(100));
    await cache.set('k', 'b'.repeat(10));
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: cost('k', 'b'.repeat(10)) });
    expect(await cache.delete('k')).toBe(true);
    expect(await cache.delete('k')).toBe(false);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
    await cache.set('k', 'c');
    cache.clear();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('refuses a budget that is not a non-negative integer', () => {
    expect(() => cacheOf(-1)).toThrow(RangeError);
    expect(() => cacheOf(1.5)).toThrow(/maxBytes must be a non-negative integer, got 1.5/);
  });
});
