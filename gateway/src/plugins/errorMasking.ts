import type { GraphQLFormattedError } from 'graphql';
import { AppError } from '../../../platform/errors/AppError.js';
import { errorCodes, isErrorCode } from '../../../platform/errors/errorCodes.js';
import { isGraphQLError } from '../isGraphQLError.js';
import { rephraseRefusal } from './rephraseRefusal.js';

/** Extension fields that carry no internals and help a client act (retry later, fix an argument). */
const SAFE_EXTENSIONS = ['retryAfterSeconds', 'argument'] as const;

/** Apollo Server's codes for a malformed client request; their messages describe the client's query. */
const CLIENT_REQUEST_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST']);

/**
 * From a subgraph these mean the gateway sent it a query it could not read (a stale
 * supergraph): our fault, and the message would describe an internal subquery.
 */
const SUBGRAPH_PROTOCOL_FAULTS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);

/** Automatic persisted queries: client libraries act on these exact codes (resend the full query / stop using APQ). */
const APQ_CODES = new Set(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

/**
 * The gateway's `formatError`: what leaves the gateway is a registry code, a message
 * safe for a user, `path`, `locations` and a few safe extension fields. Never a
 * subgraph's name or URL, a body, an exception or a stack trace. The full error was
 * already logged (with the request id) by the request id plugin and the data source.
 *
 * - raised by the gateway itself as an AppError (a subgraph unreachable, too slow or
 *   answering garbage is SERVICE_UNAVAILABLE) → kept;
 * - in a subgraph's answer with a registry code → kept (our subgraphs mask vendor
 *   details before they answer); any other code or none → INTERNAL_SERVER_ERROR;
 * - the gateway's own refusals (over a query limit, introspection off, bad APQ hash) →
 *   rephrased for clients (see `rephraseRefusal`): QUERY_TOO_COMPLEX naming the limit;
 * - Apollo's own errors about the client's request (parse, validation, variables) → kept;
 * - anything else → INTERNAL_SERVER_ERROR.
 */
export function maskGatewayError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  const code = extensions.code;

  if (error instanceof AppError) return shape(formatted, error.message, error.code, extensions);

  if (typeof extensions.serviceName === 'string') {
    if (isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR' && !SUBGRAPH_PROTOCOL_FAULTS.has(code)) {
      return shape(formatted, formatted.message, code, extensions);
    }
    return internal(formatted);
  }

  if (!isOwnGraphQLError(error)) return internal(formatted);
  const refusal = rephraseRefusal(formatted, error);
  if (refusal) return shape(formatted, refusal.message, refusal.code, {});

  if (typeof code === 'string') {
    if (CLIENT_REQUEST_CODES.has(code)) return shape(formatted, formatted.message, code, {});
    // e.g. "Unknown operation named …": the request is wrong, not our server.
    if (code === 'OPERATION_RESOLUTION_FAILURE') return shape(formatted, formatted.message, 'BAD_REQUEST', {});
    if (APQ_CODES.has(code)) return shape(formatted, formatted.message, code, {});
  }
  return internal(formatted);
}

/** Made by graphql-js or Apollo (not a wrapped exception from somewhere below). */
function isOwnGraphQLError(error: unknown): boolean {
  return isGraphQLError(error) && (error.originalError === undefined || isGraphQLError(error.originalError));
}

function internal(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return shape(formatted, errorCodes.INTERNAL_SERVER_ERROR.message, 'INTERNAL_SERVER_ERROR', {});
}

/** A quoted value longer than this in a message is cut to an excerpt of EXCERPT_CHARS. */
const MAX_QUOTED_CHARS = 40;
const EXCERPT_CHARS = 24;
/** No message is longer than this, whatever it quotes (a 95 KB list of numbers, say). */
const MAX_MESSAGE_CHARS = 300;
const QUOTED = new RegExp(`"((?:[^"\\\\]|\\\\.){${MAX_QUOTED_CHARS + 1},})"`, 'g');

/**
 * graphql-js quotes the client's value in its messages ('Variable "$x" got invalid value
 * "…"; Int cannot represent …: "…"'), so a 95 KB variable came back twice. A message keeps a
 * short excerpt of each quoted value, and at most MAX_MESSAGE_CHARS in all.
 */
export function excerptMessage(message: string): string {
  const cut = message.replace(QUOTED, (_, inner: string) => `"${inner.slice(0, EXCERPT_CHARS)}…"`);
  return cut.length > MAX_MESSAGE_CHARS ? `${cut.slice(0, MAX_MESSAGE_CHARS - 1)}…` : cut;
}

function shape(formatted: GraphQLFormattedError, message: string, code: string, extensions: Record<string, unknown>): GraphQLFormattedError {
  const safe: Record<string, unknown> = { code };
  for (const key of SAFE_EXTENSIONS) {
    const value = extensions[key];
    if (typeof value === 'string' || typeof value === 'number') safe[key] = value;
  }
  return {
    message: excerptMessage(message),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: safe,
  };
}
