import type { Counter, Registry } from 'prom-client';
import { metric } from '../../../platform/metrics/metric.js';
import { metricCatalog } from '../../../platform/metrics/metricCatalog.js';

/**
 * What the shared cache's readers (`cachedCall`, `createBatchLoader`) report, per cache: a
 * loader's `name` or a `cachedCall` key's prefix, so the label set is as bounded as the code.
 */
export interface CacheMetrics {
  /** `hits` fresh values served and `misses` keys sent to the vendor, in one lookup. */
  looked(cache: string, hits: number, misses: number): void;
  /** Values served past their TTL because the vendor call failed. */
  staleServed(cache: string, count: number): void;
}

interface CacheSeries {
  readonly hit: Counter.Internal;
  readonly miss: Counter.Internal;
  readonly stale: Counter.Internal;
}

/** `cache_lookups_total` and `cache_stale_served_total` in `registry`, each cache's series bound on first use. */
export function createCacheMetrics(registry: Registry): CacheMetrics {
  const lookups = metric(registry, metricCatalog.cacheLookups);
  const staleServed = metric(registry, metricCatalog.cacheStaleServed);
  const byCache = new Map<string, CacheSeries>();
  const series = (cache: string): CacheSeries => {
    let found = byCache.get(cache);
    if (found === undefined) {
      found = { hit: lookups.labels(cache, 'hit'), miss: lookups.labels(cache, 'miss'), stale: staleServed.labels(cache) };
      // All three from the cache's first lookup on, at 0, so that a hit ratio or a stale rate has both sides.
      found.hit.inc(0);
      found.miss.inc(0);
      found.stale.inc(0);
      byCache.set(cache, found);
    }
    return found;
  };
  return {
    looked(cache, hits, misses) {
      const s = series(cache);
      if (hits > 0) s.hit.inc(hits);
      if (misses > 0) s.miss.inc(misses);
    },
    staleServed(cache, count) {
      if (count > 0) series(cache).stale.inc(count);
    },
  };
}
