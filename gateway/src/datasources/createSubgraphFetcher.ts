import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { FetcherRequestInit } from '@apollo/utils.fetcher';
import { Pool } from '../../../platform/http/undiciPool.js';
import { parseBudgetMs, REQUEST_DEADLINE_HEADER } from '../../../platform/http/requestDeadline.js';
import { AnswerCollector } from './AnswerCollector.js';
import { SubgraphResponse, type SubgraphAnswer } from './SubgraphResponse.js';

export type Fetcher = RemoteGraphQLDataSource['fetcher'];

export interface SubgraphFetcher {
  /** RemoteGraphQLDataSource's `fetcher`: `send` with the limit `limitOf` its headers, no client signal. */
  readonly fetcher: Fetcher;
  /**
   * Longest one fetch may wait (ms): the budget the data source put in `x-request-deadline-ms`
   * (its own header, so always well-formed), capped at `timeoutMs`; the cap alone for fetches
   * outside a client request, which carry no budget. Never 0 (undici reads 0 as "no limit").
   */
  limitOf(headers: FetcherRequestInit['headers']): number;
  /**
   * One POST to the subgraph, its answer read in full (`pool.dispatch` with AnswerCollector:
   * what `pool.request` does, minus a Readable stream per answer), held to `limitMs` from the
   * call without an AbortSignal per fetch. undici's headers timeout (from when the request is on
   * a socket to the status line) covers most fetches; a timer is added only for one that finds
   * no free socket (held from the start) or whose answer arrives in more than one chunk (held
   * from the first, since undici's body timeout counts only the pause between two). Past the
   * limit it fails with UND_ERR_HEADERS_TIMEOUT or UND_ERR_BODY_TIMEOUT. `signal` (the
   * client's, when it has one that can still fire) aborts it when the client goes.
   */
  send(url: string, init: FetcherRequestInit | undefined, limitMs: number, signal?: AbortSignal): Promise<SubgraphAnswer>;
  /** Closes the connection pool (after in-flight requests). */
  close(): Promise<void>;
}

/** Below the subgraphs' own keep-alive timeout (5 s), so we never reuse a socket they are closing. */
const KEEP_ALIVE_MS = 4_000;

/**
 * The HTTP side of one subgraph: an undici Pool of `connections` keep-alive sockets to the
 * subgraph's origin, dispatched to directly rather than through `fetch` (no WHATWG Request,
 * Response, Headers or AbortSignal per fetch). Connecting is bounded by `timeoutMs`.
 */
export function createSubgraphFetcher(options: { url: string; timeoutMs: number; connections: number }): SubgraphFetcher {
  const base = new URL(options.url);
  const pool = new Pool(base.origin, {
    connections: options.connections,
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS,
    connect: { timeout: options.timeoutMs },
  });
  const basePath = `${base.pathname}${base.search}`;

  const limitOf = (headers: FetcherRequestInit['headers']): number => {
    const raw = headers?.[REQUEST_DEADLINE_HEADER];
    const budget = typeof raw === 'string' ? parseBudgetMs(raw) : undefined;
    return Math.max(1, typeof budget === 'number' ? Math.min(options.timeoutMs, budget) : options.timeoutMs);
  };

  const send = (url: string, init: FetcherRequestInit | undefined, limitMs: number, signal?: AbortSignal): Promise<SubgraphAnswer> =>
    new Promise((resolve, reject) => {
      const path = url === options.url ? basePath : pathOn(base.origin, url);
      // One copy of the bytes, one UTF-8 decode; each caller parses the string (SubgraphResponse).
      const collector = new AnswerCollector(url, limitMs, resolve, reject, signal);
      // No free socket: it waits for one (or for a new connection) outside undici's timeouts.
      if (pool.stats.free === 0) collector.holdToLimit();
      pool.dispatch(
        {
          path,
          method: (init?.method ?? 'POST') as 'POST',
          headers: init?.headers,
          body: init?.body,
          headersTimeout: limitMs,
          bodyTimeout: limitMs,
        },
        collector,
      );
    });

  const fetcher: Fetcher = async (url, init) => new SubgraphResponse(await send(url, init, limitOf(init?.headers)));
  return { fetcher, limitOf, send, close: () => pool.close() };
}

/** The path of `url` on the pool's origin: a pool talks to one origin only. */
function pathOn(origin: string, url: string): string {
  const target = new URL(url);
  if (target.origin !== origin) throw new Error(`subgraph fetch to ${target.origin}, not to its pool's origin ${origin}`);
  return `${target.pathname}${target.search}`;
}
