import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../vendors/startSandbox.js';
import { createCacheStore, type CacheStore } from '../../platform/store/createCacheStore.js';
import type { Logger } from '../../platform/log/createLogger.js';
import type { SubgraphService } from '../../subgraphs/kit/server/SubgraphService.js';

export interface SubgraphOnSandbox {
  /** Readable from the suite's hooks and tests on (before that, reading throws). */
  readonly sandbox: Sandbox;
  readonly service: SubgraphService;
}

/**
 * One subgraph in-process against the vendor sandbox, for a test file that runs operations
 * with `executeAs`: registers the suite's hooks (start the sandbox, a fresh memory cache
 * and the started service before all tests; reset the sandbox's faults and counters
 * before each; close all three after all). `create` builds the service the way main.ts
 * does, from config that points at the sandbox.
 */
export function useSubgraphOnSandbox(options: {
  /** Namespace of the memory cache. */
  readonly name: string;
  readonly logger: Logger;
  readonly sandbox?: SandboxOptions;
  readonly create: (deps: { sandbox: Sandbox; logger: Logger; cache: CacheStore }) => SubgraphService;
}): SubgraphOnSandbox {
  let sandbox: Sandbox | undefined;
  let cache: CacheStore | undefined;
  let service: SubgraphService | undefined;

  beforeAll(async () => {
    sandbox = await startSandbox(options.sandbox);
    cache = createCacheStore({ namespace: options.name, logger: options.logger });
    service = options.create({ sandbox, logger: options.logger, cache });
    await service.server.start();
  });

  afterAll(async () => {
    // Every step attempted even if one fails, so a failing test never leaks a server.
    const results = await Promise.allSettled([service?.close(), cache?.close(), sandbox?.close()]);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw new AggregateError(failed.map((r) => r.reason), 'useSubgraphOnSandbox: did not close cleanly');
  });

  beforeEach(() => started(sandbox).reset());

  return {
    get sandbox() {
      return started(sandbox);
    },
    get service() {
      return started(service);
    },
  };
}

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('useSubgraphOnSandbox: not started yet (read it inside a hook or a test)');
  return value;
}
