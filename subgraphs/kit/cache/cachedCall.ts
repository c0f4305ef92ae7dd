import type { CachePolicy } from '../vendor/VendorClientOptions.js';
import type { CacheEntry, CacheStore } from '../../../platform/store/CacheStore.js';
import { cacheMetricsOf } from './MeteredCacheStore.js';

export type Freshness = 'fresh' | 'stale' | 'expired';

/** fresh: age < ttl · stale: servable only when the vendor fails · expired: never served. */
export function freshness(entry: CacheEntry<unknown>, policy: CachePolicy, now: number): Freshness {
  const age = now - entry.storedAt;
  if (age < policy.ttlMs) return 'fresh';
  if (age < policy.ttlMs + policy.maxStaleMs) return 'stale';
  return 'expired';
}

export interface CachedCallOptions {
  /**
   * The cache's name, from code (e.g. `catalog:list`): the `cache` label of its metrics and
   * the prefix of its keys, as a loader's `name` is. Never built from input: it is a label.
   */
  readonly name: string;
  /** The variable part (a hash of the input, an id): stored under `<name>:<key>`, never a label. */
  readonly key: string;
  readonly policy: CachePolicy;
}

/**
 * Read-through cache around one vendor call. A fresh hit returns without calling `load`
 * (so no breaker, no vendor). A miss or stale entry calls `load`; its result is stored
 * (not awaited: a slow cache never delays an answer); if `load` fails, a stale value is
 * served instead of the error while within `ttlMs + maxStaleMs`. `ttlMs` 0 → always
 * `load`, nothing stored, nothing counted. A `MeteredCacheStore` counts the hit or miss and
 * a stale value served under `name`: the label is given, never taken apart from the key, so
 * whatever a key holds (a `:` included) stays out of the labels.
 */
export async function cachedCall<T>(store: CacheStore, { name, key, policy }: CachedCallOptions, load: () => Promise<T>): Promise<T> {
  if (policy.ttlMs <= 0) return load();
  const storeKey = `${name}:${key}`;
  const metrics = cacheMetricsOf(store);
  const entry = await store.get<T>(storeKey);
  if (entry && freshness(entry, policy, store.now()) === 'fresh') {
    metrics?.looked(name, 1, 0);
    return entry.value;
  }
  metrics?.looked(name, 0, 1);
  let value: T;
  try {
    value = await load();
  } catch (err) {
    if (entry && freshness(entry, policy, store.now()) === 'stale') {
      metrics?.staleServed(name, 1);
      return entry.value;
    }
    throw err;
  }
  void store.set(storeKey, value, policy);
  return value;
}
