import type { CacheEntry, CacheStore, CachePolicy } from '../../../platform/store/CacheStore.js';
import type { CacheMetrics } from './cacheMetrics.js';

/**
 * The shared cache as a vendor subgraph hands it to its loaders (`LoaderDeps.cache`): the
 * same store, carrying the service's cache metrics. That is how `cachedCall` and
 * `createBatchLoader` count hits, misses and stale values without a subgraph's loaders
 * passing anything more: they already pass the store. Only they can count, since only they
 * know the policy (fresh or stale) and whether the vendor failed; a store alone sees keys.
 * A plain `CacheStore` (tests, tools) is simply not counted.
 */
export class MeteredCacheStore implements CacheStore {
  constructor(
    private readonly store: CacheStore,
    readonly metrics: CacheMetrics,
  ) {}

  get kind(): CacheStore['kind'] {
    return this.store.kind;
  }

  get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    return this.store.get<T>(key);
  }

  set<T>(key: string, value: T, policy: CachePolicy): Promise<void> {
    return this.store.set(key, value, policy);
  }

  delete(key: string): Promise<void> {
    return this.store.delete(key);
  }

  deleteMany(keys: readonly string[]): Promise<void> {
    return this.store.deleteMany(keys);
  }

  now(): number {
    return this.store.now();
  }

  /** Closes the store underneath: whoever made it usually does that instead (main.ts, the harness). */
  close(): Promise<void> {
    return this.store.close();
  }
}

/** The cache metrics `store` carries, if it is a `MeteredCacheStore`. */
export function cacheMetricsOf(store: CacheStore): CacheMetrics | undefined {
  return store instanceof MeteredCacheStore ? store.metrics : undefined;
}
