import { createRequire } from 'node:module';
import type * as KeyvRedis from '@keyv/redis';
import type * as RateLimiterFlexible from 'rate-limiter-flexible';

/**
 * Libraries a process loads only once a setting asks for them, instead of at start-up for
 * every process: node-redis (about 3.7 MB of live heap) when a Redis URL is set, and only the
 * rate limiters it uses instead of rate-limiter-flexible's index (which loads a limiter for
 * every database it knows). Why a MB held for good matters: bench/federation/README.md,
 * "Where the memory goes".
 *
 * Synchronous on purpose (`require`, as these packages ship CommonJS builds), so the
 * factories that use them stay synchronous. rate-limiter-flexible has no `exports` map;
 * `onDemand.test.ts` fails if its files stop being the classes its index exports.
 */
const require = createRequire(import.meta.url);

/** `@keyv/redis`: its Keyv store and node-redis's `createClient`. */
export const keyvRedis = (): typeof KeyvRedis => require('@keyv/redis') as typeof KeyvRedis;

/** The in-memory limiter, its verdict and the timeout wrapper: what every process uses. */
export const rateLimiterMemory = (): Pick<typeof RateLimiterFlexible, 'RateLimiterMemory' | 'RateLimiterRes' | 'RLWrapperTimeouts'> => ({
  RateLimiterMemory: require('rate-limiter-flexible/lib/RateLimiterMemory.js') as (typeof RateLimiterFlexible)['RateLimiterMemory'],
  RateLimiterRes: require('rate-limiter-flexible/lib/RateLimiterRes.js') as (typeof RateLimiterFlexible)['RateLimiterRes'],
  RLWrapperTimeouts: require('rate-limiter-flexible/lib/RLWrapperTimeouts.js') as (typeof RateLimiterFlexible)['RLWrapperTimeouts'],
});

/** The limiter whose counters live in Redis, for replicas that share them. */
export const rateLimiterRedis = (): (typeof RateLimiterFlexible)['RateLimiterRedis'] => require('rate-limiter-flexible/lib/RateLimiterRedis.js') as (typeof RateLimiterFlexible)['RateLimiterRedis'];
