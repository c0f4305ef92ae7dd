import type { CachePolicy } from '../vendor/VendorClientOptions.js';
import type { CacheEntry, CacheStore } from '../../../platform/store/CacheStore.js';

export type Freshness = 'fresh' | 'stale' | 'expired';

/** fresh: age < ttl · stale: servable only when the vendor fails · expired: never served. */
export function freshness(entry: CacheEntry<unknown>, policy: CachePolicy, now: number): Freshness {
  const age = now - entry.storedAt;
  if (age < policy.ttlMs) return 'fresh';
  if (age < policy.ttlMs + policy.maxStaleMs) return 'stale';
  return 'expired';
}

/**
 * Read-through cache around one vendor call. A fresh hit returns without calling `load`
 * (so no breaker, no vendor). A miss or stale entry calls `load`; its result is stored
 * (not awaited: a slow cache never delays an answer); if `load` fails, a stale value is
 * served instead of the error while within `ttlMs + maxStaleMs`. `ttlMs` 0 → always
 * `load`, nothing stored.
 */
export async function cachedCall<T>(store: CacheStore, key: string, policy: CachePolicy, load: () => Promise<T>): Promise<T> {
  if (policy.ttlMs <= 0) return load();
  const entry = await store.get<T>(key);
  if (entry && freshness(entry, policy, store.now()) === 'fresh') return entry.value;
  let value: T;
  try {
    value = await load();
  } catch (err) {
    if (entry && freshness(entry, policy, store.now()) === 'stale') return entry.value;
    throw err;
  }
  void store.set(key, value, policy);
  return value;
}
