import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, fetch } from 'undici';
import { parseBudgetMs, REQUEST_DEADLINE_HEADER } from '../../../platform/http/requestDeadline.js';

export type Fetcher = RemoteGraphQLDataSource['fetcher'];

export interface SubgraphFetcher {
  readonly fetcher: Fetcher;
  /** Closes the connection pool (after in-flight requests). */
  close(): Promise<void>;
}

/**
 * The HTTP side of one subgraph: a keep-alive pool of `connections` sockets and a deadline
 * per fetch that aborts the request (connect, headers and body): the request budget left,
 * as sent to the subgraph in `x-request-deadline-ms`, capped at `timeoutMs` (the cap alone
 * for fetches outside a client request, which carry no budget).
 */
export function createSubgraphFetcher(options: { timeoutMs: number; connections: number }): SubgraphFetcher {
  const agent = new Agent({
    connections: options.connections,
    // Below the subgraphs' own keep-alive timeout (5 s), so we never reuse a socket they are closing.
    keepAliveTimeout: 4_000,
    connect: { timeout: options.timeoutMs },
  });
  const fetcher: Fetcher = async (url, init) => {
    const deadline = AbortSignal.timeout(Math.min(options.timeoutMs, budgetOf(init?.headers) ?? options.timeoutMs));
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

/** The budget the data source put on this fetch (its own header, so always well-formed), if any. */
function budgetOf(headers: unknown): number | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const raw = (headers as Record<string, unknown>)[REQUEST_DEADLINE_HEADER];
  const ms = typeof raw === 'string' ? parseBudgetMs(raw) : undefined;
  return typeof ms === 'number' ? ms : undefined;
}
