import type { GatewayConfig as ApolloGatewayConfig } from '@apollo/gateway';
import type { DocumentStore } from '@apollo/server';
import { ByteBudgetCache, type ByteBudgetCacheStats } from '../../../platform/store/ByteBudgetCache.js';
import { documentStore, jsonBytes } from '../../../platform/store/documentStore.js';

type QueryPlanCache = NonNullable<NonNullable<ApolloGatewayConfig['queryPlannerConfig']>['cache']>;
type QueryPlan = QueryPlanCache extends { get(key: string): Promise<infer P | undefined> } ? P : never;

const MIB = 1024 * 1024;

/**
 * Heap bytes per byte of a query plan's JSON. The planner builds each fetch's operation text
 * by concatenation, a rope of small string pieces: a fresh HomeScreen plan keeps ~9 KB for
 * 1.4 KB of JSON (7–12× across the app's operations). Serializing it to measure it flattens
 * those strings in place, after which the app's plans keep at most ~4× their JSON.
 */
const PLAN_HEAP_PER_JSON_BYTE = 4;

export interface OperationCachesOptions {
  /** MiB of parsed, validated documents (Apollo Server's `documentStore`); 0 = none kept. */
  readonly documentCacheMiB: number;
  /** MiB of query plans (Apollo Gateway's query plan cache); 0 = none kept. */
  readonly queryPlanCacheMiB: number;
}

export interface OperationCacheStats {
  readonly documents: ByteBudgetCacheStats;
  readonly queryPlans: ByteBudgetCacheStats;
}

export interface OperationCaches {
  /** For Apollo Server's `documentStore` option. */
  readonly documentStore: DocumentStore;
  /** For Apollo Gateway's `queryPlannerConfig.cache`. */
  readonly queryPlanCache: QueryPlanCache;
  stats(): OperationCacheStats;
}

/**
 * The gateway's per-operation caches, bounded by estimated heap bytes. Apollo's defaults are
 * 30 MiB each, but of JSON bytes, which a document or a plan outweighs in memory 4–12 times:
 * a client sending a new operation name per request (a new document, a new plan) took the
 * gateway from 360 MB to 749 MB. Here each entry is charged what it really keeps alive, so
 * the budgets hold; the app's few operations stay cached and skip parsing and planning.
 */
export function operationCaches(options: OperationCachesOptions): OperationCaches {
  // Shared with every subgraph's Apollo Server, with how a document is charged (platform/store/documentStore.ts).
  const documents = documentStore({ maxMiB: options.documentCacheMiB });
  const queryPlans = new ByteBudgetCache<QueryPlan>({
    maxBytes: options.queryPlanCacheMiB * MIB,
    sizeOf: (plan) => jsonBytes(plan) * PLAN_HEAP_PER_JSON_BYTE,
  });
  return {
    documentStore: documents.store,
    queryPlanCache: queryPlans,
    stats: () => ({ documents: documents.stats(), queryPlans: queryPlans.stats() }),
  };
}
