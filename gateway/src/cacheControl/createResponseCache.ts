import type { ApolloServerPlugin, GraphQLRequest, GraphQLRequestContext } from '@apollo/server';
import ApolloServerPluginResponseCache from '@apollo/server-plugin-response-cache';
import type { Registry } from 'prom-client';
import type { RequestScoped } from '../../../platform/http/requestIdPlugin.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import { responseCacheMetrics } from '../metrics/responseCacheMetrics.js';
import { memoryResponseStore } from './memoryResponseStore.js';
import { redisResponseStore } from './redisResponseStore.js';
import type { ResponseStore } from './ResponseStore.js';

export const responseCacheModes = ['off', 'memory', 'redis'] as const;
export type ResponseCacheMode = (typeof responseCacheModes)[number];

/**
 * Largest answer kept (characters of its JSON). The home screen is about 13 KB; an answer
 * past this is rare, costly to hold, and in Redis (shared with caches and rate limits) it
 * would be unbounded by anything else.
 */
const MAX_CACHED_ANSWER_CHARS = 512 * 1024;
/** What the in-process store may hold in all (characters of JSON, about as many bytes). */
const MEMORY_RESPONSE_CACHE_CHARS = 32 * 1024 * 1024;

export interface ResponseCacheOptions {
  readonly mode: ResponseCacheMode;
  /** Required with mode `redis` (the config refuses it otherwise). */
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
  readonly logger: Logger;
  /** Where lookups are counted by result (gateway_response_cache_total). */
  readonly metrics?: Registry;
}

export interface ResponseCache {
  readonly plugins: ApolloServerPlugin<RequestScoped>[];
  close(): Promise<void>;
}

/**
 * The shared response cache (RESPONSE_CACHE): whole answers of anonymous queries, kept as
 * long as their cache policy says (`max-age`), so that a warm home screen is one cache read
 * and no subgraph fetch. Only a full answer (no error at all) whose policy is public is
 * written; a request with an `authorization` header or a verified viewer never reads nor
 * writes it, so one user's answer can never reach another. The key is Apollo's: the
 * operation's text, its name and its variables (anonymous answers depend on nothing else:
 * no client header reaches a subgraph). A hit keeps the stored policy, so the answer goes
 * out with the same `Cache-Control` and an `Age`.
 */
export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  if (options.mode === 'off') return { plugins: [], close: async () => undefined };
  const store = storeFor(options);
  // The requests that looked the cache up (anonymous queries): only those count as a hit or a miss.
  const lookedUp = new WeakSet<GraphQLRequest>();
  const plugin = ApolloServerPluginResponseCache<RequestScoped>({
    cache: {
      get: (key) => store.get(key),
      async set(key, value, setOptions) {
        if (value.length > MAX_CACHED_ANSWER_CHARS) return;
        await store.set(key, value, typeof setOptions?.ttl === 'number' ? setOptions.ttl : 0);
      },
      // Nothing deletes answers: they expire with their max-age.
      delete: async () => false,
    },
    // No sessions: private answers are never kept (see shouldWriteToCache).
    sessionId: async () => null,
    async shouldReadFromCache(request) {
      if (!isAnonymous(request)) return false;
      lookedUp.add(request.request);
      return true;
    },
    shouldWriteToCache: async (request) => isAnonymous(request) && request.overallCachePolicy.policyIfCacheable()?.scope === 'PUBLIC',
  });
  const lookups = options.metrics && responseCacheMetrics(options.metrics);
  const counting: ApolloServerPlugin<RequestScoped> = {
    async requestDidStart() {
      return {
        async willSendResponse({ request, metrics }) {
          if (lookedUp.has(request)) lookups?.counted(metrics.responseCacheHit === true ? 'hit' : 'miss');
        },
      };
    },
  };
  return { plugins: [plugin, counting], close: () => store.close() };
}

function storeFor(options: ResponseCacheOptions): ResponseStore {
  if (options.mode === 'memory') return memoryResponseStore({ maxChars: MEMORY_RESPONSE_CACHE_CHARS });
  if (options.redisUrl === undefined) throw new Error('RESPONSE_CACHE=redis needs REDIS_URL.');
  return redisResponseStore({ redisUrl: options.redisUrl, redisPrefix: options.redisPrefix, logger: options.logger });
}

function isAnonymous(request: GraphQLRequestContext<RequestScoped>): boolean {
  return request.contextValue.viewer === null && request.request.http?.headers.get('authorization') === undefined;
}
