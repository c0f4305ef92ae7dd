import { AppError } from '../../../platform/errors/AppError.js';

/** Why a subgraph fetch failed; for logs and tests only, never shown to clients. */
export type SubgraphFailure =
  | 'timeout' // the request budget (or SUBGRAPH_TIMEOUT_MS) ran out during the fetch
  | 'connection'
  | 'status' // a non-2xx answer
  | 'bad_response'
  | 'no_budget' // not started: the request budget was already spent
  | 'breaker_open' // not started: the subgraph's breaker is open
  | 'cancelled'; // not started, or aborted in flight: the client has gone

/**
 * A subgraph could not be reached, was too slow, or answered something that is not a
 * GraphQL response. The client sees SERVICE_UNAVAILABLE with the registry's message;
 * which subgraph, its URL and what it said stay in the logs.
 */
export class SubgraphUnavailableError extends AppError {
  readonly subgraph: string;
  readonly reason: SubgraphFailure;
  /** The subgraph's HTTP status, when it answered one. */
  readonly status: number | undefined;

  constructor(subgraph: string, reason: SubgraphFailure, status?: number) {
    super('SERVICE_UNAVAILABLE');
    this.name = 'SubgraphUnavailableError';
    this.subgraph = subgraph;
    this.reason = reason;
    this.status = status;
  }
}
