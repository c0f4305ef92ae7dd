import type { Logger } from '../../../platform/log/createLogger.js';
import { createCacheStore } from '../../../platform/store/createCacheStore.js';
import type { ResponseStore } from './ResponseStore.js';

/**
 * Answers in Redis, shared by every replica, through the platform's cache store: the same
 * connection conventions as the gateway's APQ cache (`REDIS_URL`, keys under
 * `REDIS_PREFIX:responses`, no offline queue, every command bounded at 200 ms). Redis away
 * or slow is a miss or a write not made, logged at most once per 10 s, never an error for
 * the client.
 */
export function redisResponseStore(options: { redisUrl: string; redisPrefix: string; logger: Logger }): ResponseStore {
  const store = createCacheStore({ redisUrl: options.redisUrl, namespace: `${options.redisPrefix}:responses`, logger: options.logger });
  return {
    async get(key) {
      const entry = await store.get<string>(key);
      return typeof entry?.value === 'string' ? entry.value : undefined;
    },
    async set(key, value, ttlS) {
      await store.set(key, value, { ttlMs: ttlS * 1000, maxStaleMs: 0 });
    },
    close: () => store.close(),
  };
}
