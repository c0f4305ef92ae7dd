import DataLoader from 'dataloader';
import { freshness } from '../cache/cachedCall.js';
import type { CacheEntry, CacheStore } from '../../../platform/store/CacheStore.js';
import type { CachePolicy } from '../vendor/VendorClientOptions.js';
import { VendorItemError } from '../errors/VendorItemError.js';
import { cacheMetricsOf } from '../cache/MeteredCacheStore.js';

export interface BatchLoaderOptions<K, V> {
  /** Cache key prefix, e.g. 'catalog:product'. */
  readonly name: string;
  /**
   * ONE vendor call for these keys (never more than `maxBatchSize`); rows may come back in any
   * order, or not at all. A `VendorItemError` in place of a row refuses that one key (its `key`
   * is the key's `cacheKey`): it rejects with the error, is never cached, and a stale value is
   * served instead when there is one.
   */
  readonly fetchBatch: (keys: readonly K[]) => Promise<readonly (V | VendorItemError)[]>;
  /** The key a vendor row belongs to. */
  readonly keyOf: (value: V) => K;
  /** The vendor's limit; larger batches are split into chunks sent concurrently. */
  readonly maxBatchSize: number;
  /** Default true; false = one `fetchBatch` per key (the naive benchmark baseline). */
  readonly batching?: boolean;
  /** How keys are compared, deduped and cached. Default `String(key)`. */
  readonly cacheKey?: (key: K) => string;
  /**
   * Shared cache; fresh entries are never fetched, stale ones are served when their chunk
   * fails. A `MeteredCacheStore` counts hits, misses and stale values under `name`.
   */
  readonly cache?: { readonly store: CacheStore; readonly policy: CachePolicy };
}

/**
 * The shared-cache key under which a loader named `name` stores the value of a key whose
 * `cacheKey` is `keyText`, so that a write can invalidate exactly what a loader cached.
 */
export function batchLoaderCacheKey(name: string, keyText: string): string {
  return `${name}:${keyText}`;
}

/**
 * A per-request DataLoader over a vendor batch endpoint (create it in the GraphQL
 * context, never share it across requests). Results map back by `keyOf`, so a vendor
 * that reorders or drops rows never shifts values: a missing key is `null` (and `null`
 * is cached too). A failed chunk rejects only its own keys (with an `Error` each),
 * except those with a stale cached value, which is served instead.
 */
export function createBatchLoader<K, V>(options: BatchLoaderOptions<K, V>): DataLoader<K, V | null, string> {
  const cacheKey = options.cacheKey ?? ((key: K) => String(key));
  const batching = options.batching ?? true;
  const maxBatchSize = Math.max(1, Math.floor(options.maxBatchSize));
  const cache = options.cache && options.cache.policy.ttlMs > 0 ? options.cache : undefined;
  const storeKey = (key: K) => batchLoaderCacheKey(options.name, cacheKey(key));
  const metrics = cache ? cacheMetricsOf(cache.store) : undefined;

  /** A stale cached value within max-stale beats an error. */
  function staleOr(entry: CacheEntry<V | null> | undefined, error: Error): V | null | Error {
    if (cache && entry && freshness(entry, cache.policy, cache.store.now()) === 'stale') {
      metrics?.staleServed(options.name, 1);
      return entry.value;
    }
    return error;
  }

  async function batchFn(keys: readonly K[]): Promise<(V | null | Error)[]> {
    const results = new Array<V | null | Error>(keys.length);
    const cached = new Array<CacheEntry<V | null> | undefined>(keys.length);
    let missing: number[] = keys.map((_, i) => i);

    if (cache) {
      const entries = await Promise.all(keys.map((key) => cache.store.get<V | null>(storeKey(key))));
      const now = cache.store.now();
      missing = [];
      entries.forEach((entry, i) => {
        if (entry && freshness(entry, cache.policy, now) === 'fresh') {
          results[i] = entry.value;
        } else {
          cached[i] = entry;
          missing.push(i);
        }
      });
      metrics?.looked(options.name, keys.length - missing.length, missing.length);
    }

    const chunks = batching ? chunk(missing, maxBatchSize) : missing.map((i) => [i]);
    await Promise.all(
      chunks.map(async (indexes) => {
        try {
          const rows = await options.fetchBatch(indexes.map((i) => keys[i]!));
          const byKey = new Map<string, V | VendorItemError>();
          for (const row of rows) byKey.set(row instanceof VendorItemError ? row.key : cacheKey(options.keyOf(row)), row);
          for (const i of indexes) {
            const value = byKey.get(cacheKey(keys[i]!)) ?? null;
            if (value instanceof VendorItemError) {
              results[i] = staleOr(cached[i], value);
              continue;
            }
            results[i] = value;
            if (cache) void cache.store.set(storeKey(keys[i]!), value, cache.policy);
          }
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          for (const i of indexes) results[i] = staleOr(cached[i], error);
        }
      }),
    );
    return results;
  }

  return new DataLoader<K, V | null, string>(batchFn, { batch: batching, cacheKeyFn: cacheKey });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
