import { GraphQLError } from 'graphql';
import type { ErrorCode } from '../../../platform/errors/errorCodes.js';

/** The limits a query is measured against before it runs (see `queryLimits`). */
export type QueryLimit = 'depth' | 'aliases' | 'directives' | 'tokens' | 'cost' | 'mutations';

const phrases: Readonly<Record<QueryLimit, (max: number) => string>> = {
  depth: (max) => `Query depth exceeds the limit of ${max}.`,
  aliases: (max) => `Query has more aliases than the limit of ${max}.`,
  directives: (max) => `Query has more directives than the limit of ${max}.`,
  tokens: (max) => `Query has more tokens than the limit of ${max}.`,
  cost: (max) => `Query cost exceeds the limit of ${max}.`,
  mutations: (max) => `Operation has more mutation fields than the limit of ${max}.`,
};

/** What a client reads when a query is over a limit: the limit and its configured maximum, never the query. */
export function queryLimitMessage(limit: QueryLimit, max: number): string {
  return phrases[limit](max);
}

/**
 * Reported by the graphql-armor validation rules (through their `onReject`) when a query
 * is over a limit. Apollo wraps it in its own GRAPHQL_VALIDATION_FAILED error (HTTP 400);
 * the gateway's error masking recognises it as the original error and answers
 * QUERY_TOO_COMPLEX with this message. Thrown as is by `operationLimitsPlugin` (cost with
 * the variables, mutation fields), before anything executes: HTTP 400 by `extensions.http`.
 */
export class QueryLimitError extends GraphQLError {
  readonly limit: QueryLimit;
  readonly max: number;

  constructor(limit: QueryLimit, max: number) {
    super(queryLimitMessage(limit, max), { extensions: { code: 'QUERY_TOO_COMPLEX' satisfies ErrorCode, http: { status: 400 } } });
    this.name = 'QueryLimitError';
    this.limit = limit;
    this.max = max;
  }
}
