import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, fetch } from 'undici';

export type Fetcher = RemoteGraphQLDataSource['fetcher'];

export interface SubgraphFetcher {
  readonly fetcher: Fetcher;
  /** Closes the connection pool (after in-flight requests). */
  close(): Promise<void>;
}

/**
 * The HTTP side of one subgraph: a keep-alive pool of `connections` sockets and a
 * deadline of `timeoutMs` per fetch that aborts the request (connect, headers and body).
 */
export function createSubgraphFetcher(options: { timeoutMs: number; connections: number }): SubgraphFetcher {
  const agent = new Agent({
    connections: options.connections,
    // Below the subgraphs' own keep-alive timeout (5 s), so we never reuse a socket they are closing.
    keepAliveTimeout: 4_000,
    connect: { timeout: options.timeoutMs },
  });
  const fetcher: Fetcher = async (url, init) => {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const signal = init?.signal instanceof AbortSignal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return fetch(url, {
      method: init?.method ?? 'POST',
      headers: init?.headers,
      body: init?.body,
      signal,
      dispatcher: agent,
    });
  };
  return { fetcher, close: () => agent.close() };
}
