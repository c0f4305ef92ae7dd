import { describe, expect, it } from 'vitest';
import { memoryResponseStore } from '../src/cacheControl/memoryResponseStore.js';

describe('memoryResponseStore', () => {
  it('holds at most maxChars of answers, dropping the least recently used first', async () => {
    const store = memoryResponseStore({ maxChars: 10 });
    await store.set('a', 'aaaa', 60);
    await store.set('b', 'bbbb', 60);
    // Reading a makes b the least recently used.
    expect(await store.get('a')).toBe('aaaa');
    await store.set('c', 'cccc', 60);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBe('aaaa');
    expect(await store.get('c')).toBe('cccc');
    // One answer larger than the whole store is not kept, and evicts nothing.
    await store.set('big', 'x'.repeat(11), 60);
    expect(await store.get('big')).toBeUndefined();
    expect(await store.get('a')).toBe('aaaa');
  });

  it('an entry lives for its ttl, and a ttl of 0 stores nothing', async () => {
    let now = 1_000_000;
    const store = memoryResponseStore({ maxChars: 100, now: () => now });
    await store.set('k', 'v', 60);
    await store.set('zero', 'v', 0);
    now += 59_999;
    expect(await store.get('k')).toBe('v');
    now += 1;
    expect(await store.get('k')).toBeUndefined();
    expect(await store.get('zero')).toBeUndefined();
  });

  it('rewriting a key replaces its size, it does not add to it', async () => {
    const store = memoryResponseStore({ maxChars: 8 });
    await store.set('a', 'aaaa', 60);
    await store.set('a', 'AAAA', 60);
    await store.set('b', 'bbbb', 60);
    expect(await store.get('a')).toBe('AAAA');
    expect(await store.get('b')).toBe('bbbb');
  });
});
