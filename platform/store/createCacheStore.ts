import { Keyv } from 'keyv';
import type { Logger } from '../log/createLogger.js';
import { BoundedMap } from './BoundedMap.js';
import type { CacheEntry, CachePolicy, CacheStore } from './CacheStore.js';
import { keyvRedis } from './onDemand.js';

export type { CacheEntry, CachePolicy, CacheStore } from './CacheStore.js';

export interface CacheStoreOptions {
  /** Redis URL (redis:// or rediss://); unset → in-process memory store. */
  readonly redisUrl?: string | undefined;
  /** Key prefix, e.g. the subgraph's name, so services sharing a Redis never collide. */
  readonly namespace: string;
  readonly logger: Logger;
  /** Memory store bound; the oldest entries are evicted past it. Default 50000 (entries). */
  readonly maxEntries?: number;
  /** Longest a Redis get/set/delete may take before it counts as a miss (or a failed delete). Default 200 (ms). */
  readonly opTimeoutMs?: number;
  /** Clock for `storedAt`, injectable for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** The node-redis client surface we use (typed loosely: @keyv/redis exposes a union of client kinds). */
interface RedisClientLike {
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  destroy(): void;
}

/**
 * The shared cache (see `CacheStore`). Memory by default: keyv over a bounded Map.
 * With `redisUrl`: `@keyv/redis`, connected eagerly in the background, reconnecting
 * forever with backoff (≤ 1 s), with the offline queue disabled so that commands fail at
 * once while Redis is away instead of piling up, and every operation bounded by
 * `opTimeoutMs`. Any failure is logged (at most one line per 10 s) and is a miss.
 */
export function createCacheStore(options: CacheStoreOptions): CacheStore {
  const now = options.now ?? Date.now;
  const opTimeoutMs = options.opTimeoutMs ?? 200;
  const logger = options.logger.child({ cache: options.namespace });
  const report = throttledReporter(logger, 10_000);
  let keyv: Keyv;
  let redis: RedisClientLike | undefined;

  if (options.redisUrl) {
    keyv = keyvRedis().createKeyv(
      {
        url: options.redisUrl,
        disableOfflineQueue: true,
        socket: { connectTimeout: 1000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) },
      },
      { namespace: options.namespace, throwOnErrors: true, throwOnConnectError: true },
    );
    redis = (keyv.store as { client: RedisClientLike }).client;
    redis.connect().catch((err: unknown) => report('connect', err));
  } else {
    keyv = new Keyv({ store: new BoundedMap<string, unknown>(options.maxEntries ?? 50_000), namespace: options.namespace });
    // In process there is nothing to serialize for: a JSON round trip per hit was a
    // measurable share of a warm home screen's CPU (bench). Instead, `set` stores a deeply
    // frozen copy and `get` hands out a shallow copy of it: @apollo/subgraph writes
    // `__typename` onto entity objects, and nothing any reader does reaches other readers.
    keyv.serialize = undefined;
    keyv.deserialize = undefined;
  }
  keyv.on('error', (err: unknown) => report('client', err));
  const bound = redis ? <T>(p: Promise<T>) => withTimeout(p, opTimeoutMs) : <T>(p: Promise<T>) => p;
  let closing: Promise<void> | undefined;

  return {
    kind: redis ? 'redis' : 'memory',
    now,
    async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
      if (closing) return undefined;
      try {
        const raw: unknown = await bound(keyv.get(key));
        if (!isEntry<T>(raw)) return undefined;
        return redis ? raw : { value: unfrozenTop(raw.value), storedAt: raw.storedAt };
      } catch (err) {
        report('get', err);
        return undefined;
      }
    },
    async set<T>(key: string, value: T, policy: CachePolicy): Promise<void> {
      if (closing || policy.ttlMs <= 0) return;
      const entry: CacheEntry<T> = { value: redis ? value : deepFreeze(structuredClone(value)), storedAt: now() };
      try {
        await bound(keyv.set(key, entry, Math.ceil(policy.ttlMs + Math.max(0, policy.maxStaleMs))));
      } catch (err) {
        report('set', err);
      }
    },
    async delete(key: string): Promise<void> {
      if (closing) return;
      try {
        await bound(keyv.delete(key));
      } catch (err) {
        report('delete', err);
      }
    },
    async deleteMany(keys: readonly string[]): Promise<void> {
      if (closing || keys.length === 0) return;
      try {
        await bound(keyv.deleteMany([...keys]));
      } catch (err) {
        report('delete', err);
      }
    },
    close() {
      closing ??= (async () => {
        // Dropping in-flight writes is fine for a cache; waiting on a hung Redis is not.
        if (redis?.isOpen) redis.destroy();
        if (!redis) await keyv.clear();
      })();
      return closing;
    },
  };
}

function isEntry<T>(raw: unknown): raw is CacheEntry<T> {
  return typeof raw === 'object' && raw !== null && 'storedAt' in raw && typeof raw.storedAt === 'number' && 'value' in raw;
}

class CacheTimeoutError extends Error {
  constructor(ms: number) {
    super(`cache operation took longer than ${ms} ms`);
    this.name = 'CacheTimeoutError';
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CacheTimeoutError(ms)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Logs the first failure, then at most one line per interval with how many were suppressed. */
function throttledReporter(logger: Logger, intervalMs: number): (op: string, err: unknown) => void {
  let lastAt = -Infinity;
  let suppressed = 0;
  return (op, err) => {
    const t = Date.now();
    if (t - lastAt < intervalMs) {
      suppressed++;
      return;
    }
    lastAt = t;
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    logger.warn({ op, err: message, suppressed }, 'cache unavailable, treating as a miss');
    suppressed = 0;
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** A mutable copy of the outermost object or array; what it holds stays frozen (and shared). */
function unfrozenTop<T>(value: T): T {
  if (Array.isArray(value)) return value.slice() as T;
  if (typeof value === 'object' && value !== null) return { ...value };
  return value;
}
