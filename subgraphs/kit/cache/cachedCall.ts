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

/**
 * The `cache` label of a `cachedCall` key: keys are `<name>:<variable part>` (e.g.
 * `catalog:list:<hash>`), and only the name, everything before the last `:`, is bounded.
 * A key without one has no name to give: `unnamed`, never the key itself.
 */
export function cacheNameOf(key: string): string {
  const end = key.lastIndexOf(':');
  return end > 0 ? key.slice(0, end) : 'unnamed';
}

/**
 * Read-through cache around one vendor call. A fresh hit returns without calling `load`
 * (so no breaker, no vendor). A miss or stale entry calls `load`; its result is stored
 * (not awaited: a slow cache never delays an answer); if `load` fails, a stale value is
 * served instead of the error while within `ttlMs + maxStaleMs`. `ttlMs` 0 → always
 * `load`, nothing stored, nothing counted. A `MeteredCacheStore` counts the hit or miss and
 * a stale value served (`cache` label: `cacheNameOf(key)`).
 */
export async function cachedCall<T>(store: CacheStore, key: string, policy: CachePolicy, load: () => Promise<T>): Promise<T> {
  if (policy.ttlMs <= 0) return load();
  const metrics = cacheMetricsOf(store);
  const entry = await store.get<T>(key);
  if (entry && freshness(entry, policy, store.now()) === 'fresh') {
    metrics?.looked(cacheNameOf(key), 1, 0);
    return entry.value;
  }
  metrics?.looked(cacheNameOf(key), 0, 1);
  let value: T;
  try {
    value = await load();
  } catch (err) {
    if (entry && freshness(entry, policy, store.now()) === 'stale') {
      metrics?.staleServed(cacheNameOf(key), 1);
      return entry.value;
    }
    throw err;
  }
  void store.set(key, value, policy);
  return value;
}
