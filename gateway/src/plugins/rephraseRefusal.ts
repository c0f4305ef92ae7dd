import type { GraphQLFormattedError } from 'graphql';
import type { ErrorCode } from '../../../platform/errors/errorCodes.js';
import { isGraphQLError } from '../isGraphQLError.js';
import { QueryLimitError, queryLimitMessage } from '../limits/QueryLimitError.js';

// graphql-js: "Syntax Error: Document contains more that 2000 tokens. Parsing aborted." (sic)
const TOKEN_LIMIT = /Document contains more th\w+ (\d+) tokens/;
const INTROSPECTION_OFF = 'GraphQL introspection is not allowed';

/**
 * The gateway's own refusals of a request, as Apollo Server and graphql-js phrase them
 * for a developer (naming Apollo options, echoing counts), rephrased for a client with a
 * registry code. `undefined` for any other error. Used by the error masking.
 *
 * - over a query limit (armor's rules, graphql-js's token limit) → QUERY_TOO_COMPLEX
 *   naming the limit and its maximum;
 * - introspection while it is off → GRAPHQL_VALIDATION_FAILED "Introspection is disabled.";
 * - a malformed automatic persisted query (hash of other text, unknown version) → BAD_REQUEST.
 */
export function rephraseRefusal(formatted: GraphQLFormattedError, error: unknown): { code: ErrorCode; message: string } | undefined {
  if (!isGraphQLError(error)) return undefined;
  if (error.originalError instanceof QueryLimitError) return { code: 'QUERY_TOO_COMPLEX', message: error.originalError.message };
  if (error instanceof QueryLimitError) return { code: 'QUERY_TOO_COMPLEX', message: error.message };
  const code = formatted.extensions?.code;
  if (code === 'GRAPHQL_PARSE_FAILED') {
    const tokens = TOKEN_LIMIT.exec(formatted.message);
    if (tokens) return { code: 'QUERY_TOO_COMPLEX', message: queryLimitMessage('tokens', Number(tokens[1])) };
  }
  // Apollo raises these without a code, and gives them INTERNAL_SERVER_ERROR when it formats them.
  const uncoded = code === undefined || code === 'INTERNAL_SERVER_ERROR';
  if (code === 'GRAPHQL_VALIDATION_FAILED' && formatted.message.startsWith(INTROSPECTION_OFF)) {
    return { code: 'GRAPHQL_VALIDATION_FAILED', message: 'Introspection is disabled.' };
  }
  if (uncoded && formatted.message === 'provided sha does not match query') {
    return { code: 'BAD_REQUEST', message: 'The persisted query hash (extensions.persistedQuery.sha256Hash) is not the SHA-256 of the query.' };
  }
  if (uncoded && formatted.message === 'Unsupported persisted query version') {
    return { code: 'BAD_REQUEST', message: 'Unsupported persisted query version (only 1 is supported).' };
  }
  return undefined;
}
