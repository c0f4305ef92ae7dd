import { describe, expect, it } from 'vitest';
import { BoundedMap } from './BoundedMap.js';

describe('BoundedMap', () => {
  it('evicts the oldest insertion past the bound; re-setting a key makes it the newest', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1).set('b', 2).set('a', 10).set('c', 3);
    expect([...m.entries()]).toEqual([
      ['a', 10],
      ['c', 3],
    ]);
    expect(m.size).toBe(2);
  });

  it('rejects a non-positive bound', () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
  });
});
