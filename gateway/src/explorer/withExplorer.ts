import type { HttpHandler } from '../../../platform/http/createHttpHandler.js';
import type { NodeEnv } from '../config.js';
import type { ExplorerExample } from './ExplorerExample.js';

export interface ExplorerOptions {
  readonly supergraphSdl: string;
  readonly examples: readonly ExplorerExample[];
  readonly nodeEnv: NodeEnv;
  /** Default '/graphql'. */
  readonly graphqlPath?: string;
}

/** PLACEHOLDER (being implemented): the explorer page at GET /graphql for browsers, and /schema.graphql. */
export function withExplorer(handler: HttpHandler, _options: ExplorerOptions): HttpHandler {
  return handler;
}
