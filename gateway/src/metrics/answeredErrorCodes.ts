import type { GraphQLResponse } from '@apollo/server';

/**
 * `extensions.code` of every error in an answer as it leaves (its first part, when delivered
 * incrementally). Read in `willSendResponse`, that is after `formatError`: the client's codes.
 */
export function answeredErrorCodes(response: GraphQLResponse): unknown[] {
  const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
  return (errors ?? []).map((error) => error.extensions?.code);
}
