import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Lexer, Source, TokenKind } from 'graphql';

// `GraphQLDataSourceRequestKind.INCOMING_OPERATION`; the enum is not exported from the package root.
const INCOMING_OPERATION = 'incoming operation';

/**
 * Whether a subgraph fetch only reads, so that identical ones in flight may share one answer.
 * Decided from parsed operations, never by searching the body: the client's operation (as
 * Apollo parsed it) must be a query, so its plan holds no mutation fetch, and the fetch's own
 * document must open with a query (`query …` or `{ … }`, its first token). Anything else
 * (mutations, the reads a mutation's plan makes after it, health checks) is never shared.
 */
export function isQueryFetch(options: GraphQLDataSourceProcessOptions): boolean {
  if ((options.kind as string) !== INCOMING_OPERATION || !('incomingRequestContext' in options)) return false;
  if (options.incomingRequestContext?.operation?.operation !== 'query') return false;
  const query = options.request.query;
  if (typeof query !== 'string') return false;
  try {
    const first = new Lexer(new Source(query)).advance();
    return first.kind === TokenKind.BRACE_L || (first.kind === TokenKind.NAME && first.value === 'query');
  } catch {
    // Not even one valid token: not a document anyone should share.
    return false;
  }
}
