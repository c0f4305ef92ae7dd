import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../../../platform/log/createLogger.js';
import { keyvRedis, rateLimiterMemory, rateLimiterRedis } from '../../../platform/store/onDemand.js';

/** `ip`: one client (its address, or its address and app install); `ipShared`: everything from one address; `user`: one signed-in user. */
export type RateLimitScope = 'ip' | 'ipShared' | 'user';

export interface RateLimiterOptions {
  /** Operations per window and client: an address, or an address and app install id; 0 = no limit. */
  readonly perIp: number;
  /** Operations per window and address, whatever install ids its clients send; 0 = no limit. */
  readonly perIpShared: number;
  /** Operations per window and signed-in user; 0 = no limit. */
  readonly perUser: number;
  /** s */
  readonly windowS: number;
  /** Counters shared by every replica; unset = in memory per process. */
  readonly redisUrl: string | undefined;
  /** Key prefix of this deployment in Redis, so deployments sharing a Redis never share counters. */
  readonly redisPrefix: string;
  readonly logger: Logger;
  /** Longest a Redis round trip may take before the in-memory limiter answers instead. Default 200 (ms). */
  readonly redisTimeoutMs?: number;
  /** Longest `ready()` waits for the first Redis connection. Default 2000 (ms). */
  readonly connectWaitMs?: number;
}

export type RateLimitVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface RateLimiter {
  readonly kind: 'memory' | 'redis';
  /** Counts `points` operations for `key` in `scope`; over the limit → not allowed, with when to retry. */
  consume(scope: RateLimitScope, key: string, points: number): Promise<RateLimitVerdict>;
  /**
   * Resolves once the shared store is connected, or after `connectWaitMs` without it (the
   * insurance limiter counts until it connects): a replica that just started must not
   * count its first requests on its own while Redis is fine. At once in memory.
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Fixed-window counters per client, per address and per user (rate-limiter-flexible).
 *
 * In memory by default. With Redis, every replica shares the counters
 * (`RateLimiterRedis` on node-redis v5: `useRedisPackage`), and each one keeps an
 * in-memory limiter with the same limits as insurance: while Redis is unreachable
 * (offline queue off and `rejectIfRedisNotReady`, so nothing waits) or slower than
 * `redisTimeoutMs`, that replica counts on its own. A rate limiter must not silently
 * stop limiting: it degrades to per-replica limits (N replicas allow up to N× the
 * rate), logged, and never to no limit; the choice of availability over a 503 is
 * because a Redis outage should not take the API down with it.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { logger } = options;
  const { RateLimiterMemory, RateLimiterRes, RLWrapperTimeouts } = rateLimiterMemory();
  const connection = options.redisUrl ? connect(options.redisUrl, logger) : undefined;
  const redis = connection?.client;

  const build = (scope: RateLimitScope, points: number): RateLimiterAbstract | undefined => {
    if (points <= 0) return undefined;
    const limits = { points, duration: options.windowS, keyPrefix: `${options.redisPrefix}:rl:${scope}` };
    const memory = new RateLimiterMemory(limits);
    if (!redis) return memory;
    const RateLimiterRedis = rateLimiterRedis();
    const shared = new RateLimiterRedis({
      ...limits,
      storeClient: redis,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
    return new RLWrapperTimeouts({ limiter: shared, timeoutMs: options.redisTimeoutMs ?? 200, insuranceLimiter: memory });
  };
  const limiters: Record<RateLimitScope, RateLimiterAbstract | undefined> = {
    ip: build('ip', options.perIp),
    ipShared: build('ipShared', options.perIpShared),
    user: build('user', options.perUser),
  };

  return {
    kind: redis ? 'redis' : 'memory',
    async consume(scope, key, points) {
      const limiter = limiters[scope];
      if (!limiter || points <= 0) return { allowed: true };
      try {
        await limiter.consume(key, points);
        return { allowed: true };
      } catch (result) {
        if (result instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
        }
        // Both the shared store and the insurance failed: the caller refuses (503) rather than let everything through.
        logger.error({ err: result, scope }, 'rate limiter failed');
        throw result;
      }
    },
    async ready() {
      if (!connection) return;
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), options.connectWaitMs ?? 2_000);
      });
      const outcome = await Promise.race([connection.connected, waited]);
      clearTimeout(timer);
      if (outcome !== 'connected') logger.warn('rate limit store not reachable yet: counting per replica in memory until it is');
    },
    async close() {
      // Also while it is still reconnecting: nothing may keep retrying after close.
      if (redis?.isOpen) redis.destroy();
    },
  };
}

/**
 * node-redis v5, connected in the background and reconnecting forever (≤ 1 s apart);
 * the offline queue is off so that a command fails at once while Redis is away (the
 * insurance limiter answers) instead of piling up.
 */
function connect(url: string, logger: Logger) {
  const client = keyvRedis().createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1_000) },
  });
  let lastReport = -Infinity;
  // Without an 'error' listener node-redis would crash the process on a lost connection.
  client.on('error', (err: unknown) => {
    const now = Date.now();
    if (now - lastReport < 10_000) return;
    lastReport = now;
    logger.warn({ err: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, 'rate limit store unavailable: counting per replica in memory');
  });
  const connected = client.connect().then(
    () => 'connected' as const,
    () => 'failed' as const,
  );
  return { client, connected };
}
