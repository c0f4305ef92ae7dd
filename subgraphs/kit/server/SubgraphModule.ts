import type { Registry } from 'prom-client';
import type { Env, Setting } from '../../../platform/config/setting.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import type { CacheStore } from '../../../platform/store/CacheStore.js';
import type { SubgraphService } from './SubgraphService.js';

/** What a subgraph needs from whoever runs it (main.ts, the test harness): config, a logger and the shared cache. */
export interface SubgraphDeps<TConfig> {
  readonly config: TConfig;
  readonly logger: Logger;
  readonly cache: CacheStore;
  /**
   * The process's Prometheus registry (runSubgraph makes one, with process metrics). None:
   * the subgraph makes its own, without process metrics, since several services then share
   * one process (the test harness) and the process is not any one of theirs.
   */
  readonly metrics?: Registry;
}

/**
 * What every `subgraphs/<name>/subgraph.ts` exports as `subgraph`, so that the tools that
 * read the service registry (npm start's docs, the test harness, the generator) can run
 * and document any subgraph without knowing it.
 */
export interface SubgraphModule<TConfig extends { readonly redisUrl?: string | undefined; readonly redisPrefix: string } = { readonly redisUrl?: string | undefined; readonly redisPrefix: string }> {
  /** As in the registry (platform/registry/services.ts). */
  readonly name: string;
  /** Its env settings (the README's configuration table is generated from them). */
  readonly settings: Readonly<Record<string, Setting<unknown>>>;
  /** Parses and freezes its config; throws ConfigError listing every problem. */
  parseConfig(env: Env): TConfig;
  /** The subgraph over its vendor; opens no port. */
  create(deps: SubgraphDeps<TConfig>): SubgraphService;
}

/** Types a subgraph's module (and checks it against the contract) where it is declared. */
export function defineSubgraph<TConfig extends { readonly redisUrl?: string | undefined; readonly redisPrefix: string }>(module: SubgraphModule<TConfig>): SubgraphModule<TConfig> {
  return Object.freeze(module);
}
