import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import type { Viewer } from '../../platform/identity/Viewer.js';
import { createLogger, type Logger } from '../../platform/log/createLogger.js';
import type { SubgraphService } from '../../subgraphs/kit/server/SubgraphService.js';

export interface ExecuteResult {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary shapes
  readonly data: any;
  readonly errors: readonly GraphQLFormattedError[] | undefined;
}

const silent = createLogger({ service: 'test', level: 'silent' });

/**
 * Runs one operation on a subgraph in-process, as `viewer` (null = anonymous), with the
 * context the HTTP path would build (its loaders, its shared cache) and the subgraph's
 * shield, error masking and plugins; only HTTP and the gateway's identity token are skipped.
 * Start the server first (`service.server.start()`).
 */
export async function executeAs(
  service: SubgraphService,
  viewer: Viewer | null,
  query: string,
  options: { variables?: Record<string, unknown>; logger?: Logger; requestId?: string } = {},
): Promise<ExecuteResult> {
  const requestId = options.requestId ?? randomUUID();
  const logger = (options.logger ?? silent).child({ requestId });
  const response = await service.server.apollo.executeOperation(
    { query, variables: options.variables },
    { contextValue: service.createContext({ requestId, logger, viewer }) },
  );
  if (response.body.kind !== 'single') throw new Error('executeAs: incremental delivery is not supported');
  return { data: response.body.singleResult.data, errors: response.body.singleResult.errors };
}
