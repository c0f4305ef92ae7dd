import { AppError } from '../../../platform/errors/AppError.js';

/** Why a subgraph fetch failed; for logs and tests only, never shown to clients. */
export type SubgraphFailure = 'timeout' | 'connection' | 'status' | 'bad_response';

/**
 * A subgraph could not be reached, was too slow, or answered something that is not a
 * GraphQL response. The client sees SERVICE_UNAVAILABLE with the registry's message;
 * which subgraph, its URL and what it said stay in the logs.
 */
export class SubgraphUnavailableError extends AppError {
  readonly subgraph: string;
  readonly reason: SubgraphFailure;

  constructor(subgraph: string, reason: SubgraphFailure) {
    super('SERVICE_UNAVAILABLE');
    this.name = 'SubgraphUnavailableError';
    this.subgraph = subgraph;
    this.reason = reason;
  }
}
