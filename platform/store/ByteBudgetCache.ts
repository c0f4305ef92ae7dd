/** What a `ByteBudgetCache` holds and has done, for tests, the memory bench and operators. */
export interface ByteBudgetCacheStats {
  readonly entries: number;
  /** Estimated bytes of every entry held (keys included), never above `maxBytes`. */
  readonly bytes: number;
  readonly maxBytes: number;
  readonly hits: number;
  readonly misses: number;
  /** Entries dropped to make room (the least recently used first). */
  readonly evictions: number;
  /** Values not stored because they alone exceeded the budget. */
  readonly refused: number;
}

export interface ByteBudgetCacheOptions<V> {
  /** The budget; 0 stores nothing (every `get` misses). */
  readonly maxBytes: number;
  /** Estimated bytes the value keeps alive on the heap (see `operationCaches` for how they are measured). */
  readonly sizeOf: (value: V) => number;
}

/** A Map entry, the key string and the record: what an entry costs besides its value. */
const ENTRY_OVERHEAD_BYTES = 128;

/**
 * An in-memory LRU cache bounded by estimated bytes, not by entry count, with Apollo's
 * `KeyValueCache` shape: an Apollo Server's `documentStore`, Apollo Gateway's query plan
 * cache (the gateway's are in gateway/src/caches/operationCaches.ts, with how their sizes
 * are measured). A count bound cannot hold memory down when entries differ in size; and one
 * client sending a new document per request only churns it, however long it keeps going.
 * TTLs are ignored: its users key entries by content hash, so an entry never goes stale.
 */
export class ByteBudgetCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private readonly maxBytes: number;
  private readonly sizeOf: (value: V) => number;
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private refused = 0;

  constructor(options: ByteBudgetCacheOptions<V>) {
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 0) throw new RangeError(`maxBytes must be a non-negative integer, got ${options.maxBytes}`);
    this.maxBytes = options.maxBytes;
    this.sizeOf = options.sizeOf;
  }

  async get(key: string): Promise<V | undefined> {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    // Map keeps insertion order: re-inserting makes it the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: V): Promise<void> {
    this.remove(key);
    const bytes = Math.ceil(this.sizeOf(value)) + 2 * key.length + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.maxBytes) {
      this.refused += 1;
      return;
    }
    for (const [oldest] of this.entries) {
      if (this.bytes + bytes <= this.maxBytes) break;
      this.remove(oldest);
      this.evictions += 1;
    }
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
  }

  async delete(key: string): Promise<boolean> {
    return this.remove(key);
  }

  /** Apollo Gateway clears its plans when the supergraph changes. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  stats(): ByteBudgetCacheStats {
    const { hits, misses, evictions, refused, bytes, maxBytes } = this;
    return { entries: this.entries.size, bytes, maxBytes, hits, misses, evictions, refused };
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    return true;
  }
}
