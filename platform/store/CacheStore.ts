/** Per-operation cache policy. ttlMs 0 disables caching for it. */
export interface CachePolicy {
  /** How long a value is served without asking the vendor. */
  readonly ttlMs: number;
  /** How long after expiry a value may still be served when the vendor fails. */
  readonly maxStaleMs: number;
}

export interface CacheEntry<T> {
  readonly value: T;
  /** When it was stored (epoch ms); its age decides fresh / stale / too old. */
  readonly storedAt: number;
}

/** The shared cache. Never throws: a broken or unreachable cache is a miss. */
export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  get<T>(key: string): Promise<CacheEntry<T> | undefined>;
  /** Kept `ttlMs + maxStaleMs`; a policy with `ttlMs` 0 stores nothing. */
  set<T>(key: string, value: T, policy: CachePolicy): Promise<void>;
  /**
   * Removes an entry, e.g. after a write made it wrong. Never throws: a failed delete is
   * logged and the entry lives out its TTL (and its stale window) instead.
   */
  delete(key: string): Promise<void>;
  /** `delete` for many keys at once (one round trip on Redis). */
  deleteMany(keys: readonly string[]): Promise<void>;
  /** The store's clock (the one `storedAt` uses), so freshness is judged on the same clock. */
  now(): number;
  close(): Promise<void>;
}
