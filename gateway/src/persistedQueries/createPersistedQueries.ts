import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Registry } from 'prom-client';
import { createCacheStore, type CacheStore } from '../../../platform/store/createCacheStore.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import type { OperationLabel } from '../metrics/operationLabel.js';
import { persistedQueryMetrics } from '../metrics/persistedQueryMetrics.js';
import { apqMetricsPlugin } from './apqMetricsPlugin.js';
import type { PersistedQueryManifest } from './PersistedQueryManifest.js';
import { safelistPlugin } from './safelistPlugin.js';

export const persistedQueryModes = ['apq', 'safelist', 'off'] as const;
export type PersistedQueryMode = (typeof persistedQueryModes)[number];

type ApolloPersistedQueries = NonNullable<ApolloServerOptions<BaseContext>['persistedQueries']>;
type KeyValueCache = NonNullable<Exclude<ApolloPersistedQueries, false>['cache']>;

export interface PersistedQueriesOptions {
  readonly mode: PersistedQueryMode;
  /** s; how long an automatic persisted query stays registered. */
  readonly apqTtlS: number;
  /** Shared APQ cache across replicas; unset = Apollo's bounded in-memory LRU cache. */
  readonly redisUrl: string | undefined;
  /** Key prefix of this deployment in Redis. */
  readonly redisPrefix: string;
  /** Required in safelist mode. */
  readonly manifest: PersistedQueryManifest | undefined;
  readonly maxTokens: number;
  readonly logger: Logger;
  /** Where lookups are counted (gateway_persisted_queries_total), labelled by `operationLabel`. */
  readonly metrics?: { readonly registry: Registry; readonly operationLabel: OperationLabel };
}

export interface PersistedQueries {
  /** Apollo Server's `persistedQueries` option. */
  readonly apollo: ApolloPersistedQueries;
  readonly plugins: ApolloServerPlugin<BaseContext>[];
  close(): Promise<void>;
}

/**
 * How the gateway handles persisted queries (PERSISTED_QUERIES):
 * - `apq` (default): automatic persisted queries for mobile bandwidth. A hash Apollo has
 *   not seen answers PERSISTED_QUERY_NOT_FOUND ("PersistedQueryNotFound"), the client
 *   sends text + hash once, later requests send the hash only (POST, or GET for CDNs).
 *   Kept `APQ_TTL_S` in Apollo's bounded in-memory LRU cache (30 MiB of query text),
 *   or in Redis when REDIS_URL is set, shared by every replica. The Redis cache may
 *   degrade: unreachable or slow (> 200 ms), a lookup is a miss and the client resends
 *   the text, which still runs.
 * - `safelist`: only the operations of the supported app builds' manifests run (see
 *   `safelistPlugin`); Apollo's APQ is off, so no client can register anything.
 * - `off`: no persisted queries; a hash answers PERSISTED_QUERY_NOT_SUPPORTED, which
 *   makes Apollo clients fall back to sending text.
 */
export function createPersistedQueries(options: PersistedQueriesOptions): PersistedQueries {
  const none = { plugins: [], close: async () => undefined };
  const metrics = options.metrics && { lookups: persistedQueryMetrics(options.metrics.registry), operationLabel: options.metrics.operationLabel };
  switch (options.mode) {
    case 'off':
      return { ...none, apollo: false };
    case 'safelist': {
      if (!options.manifest) throw new Error('PERSISTED_QUERIES=safelist needs the persisted query manifest (PERSISTED_QUERY_MANIFEST).');
      return { ...none, apollo: false, plugins: [safelistPlugin({ manifest: options.manifest, maxTokens: options.maxTokens, metrics })] };
    }
    case 'apq': {
      const plugins = metrics ? [apqMetricsPlugin(metrics.lookups, metrics.operationLabel)] : [];
      if (!options.redisUrl) return { ...none, plugins, apollo: { ttl: options.apqTtlS } };
      const store = createCacheStore({ redisUrl: options.redisUrl, namespace: `${options.redisPrefix}:apq`, logger: options.logger });
      return { ...none, plugins, apollo: { ttl: options.apqTtlS, cache: keyValueCache(store) }, close: () => store.close() };
    }
  }
}

/**
 * Anyone may register a query, and a string literal is one token however long, so the
 * body limit is the only bound on a query's size. In memory Apollo caps the whole APQ
 * cache (30 MiB); in Redis, shared with caches and rate limits, nothing would: so queries
 * over this size are not stored (the client simply keeps sending their text). The app's
 * operations are well under 2 KiB.
 */
const MAX_PERSISTED_QUERY_BYTES = 16 * 1024;

/** Apollo's KeyValueCache over the kit's shared cache store (which never throws: a failure is a miss). */
function keyValueCache(store: CacheStore): KeyValueCache {
  return {
    async get(key) {
      const entry = await store.get<string>(key);
      return typeof entry?.value === 'string' ? entry.value : undefined;
    },
    async set(key, value, options) {
      if (Buffer.byteLength(value) > MAX_PERSISTED_QUERY_BYTES) return;
      // Apollo passes the TTL in seconds; null or none = no expiry, which the store cannot do: a day.
      const ttlS = typeof options?.ttl === 'number' && options.ttl > 0 ? options.ttl : 86_400;
      await store.set(key, value, { ttlMs: ttlS * 1000, maxStaleMs: 0 });
    },
    async delete() {
      // Apollo never deletes persisted queries; entries expire.
      return false;
    },
  };
}
