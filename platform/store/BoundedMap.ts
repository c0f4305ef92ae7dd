/**
 * A Map that never holds more than `maxEntries`: inserting a new key past the bound
 * evicts the oldest insertion (re-setting a key makes it the newest). Good enough as
 * an LRU for a cache whose entries all expire anyway, at O(1) per operation.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly maxEntries: number;

  constructor(maxEntries: number) {
    super();
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    this.maxEntries = maxEntries;
  }

  override set(key: K, value: V): this {
    if (super.has(key)) {
      super.delete(key);
    } else {
      while (this.size >= this.maxEntries) {
        const oldest = this.keys().next();
        if (oldest.done) break;
        super.delete(oldest.value);
      }
    }
    return super.set(key, value);
  }
}
