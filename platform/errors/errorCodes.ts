/**
 * The one registry of error codes a client can see in `errors[].extensions.code`.
 * Every code has a public message (safe to show a user: no vendor, URL or body) and a
 * description for the generated docs (`docs/errors.md`, kept in sync by `npm run docs:check`).
 */
export const errorCodes = {
  BAD_USER_INPUT: {
    message: 'The request has an invalid argument.',
    description:
      'An argument failed validation (out of range, malformed id or cursor). The message names the argument and what was expected. Fix the request; retrying it unchanged fails again.',
  },
  GRAPHQL_PARSE_FAILED: {
    message: 'The query is not valid GraphQL.',
    description: 'The query text could not be parsed. Nothing was executed.',
  },
  GRAPHQL_VALIDATION_FAILED: {
    message: 'The query does not match the schema.',
    description: 'The query asks for a field or argument the schema does not have, or uses one wrongly. Nothing was executed.',
  },
  BAD_REQUEST: {
    message: 'The HTTP request is malformed.',
    description: 'The HTTP request could not be read as a GraphQL request (wrong method, content type or body).',
  },
  PAYLOAD_TOO_LARGE: {
    message: 'The request body is too large.',
    description: 'The HTTP body is over the configured limit (`MAX_BODY_BYTES`). Nothing was executed.',
  },
  QUERY_TOO_COMPLEX: {
    message: 'The query is too large or too complex.',
    description:
      'The query went over one of the configured limits (depth, aliases, directives, tokens, cost). The message names the limit, never echoes the query. Nothing was executed.',
  },
  OPERATION_NOT_ALLOWED: {
    message: 'This operation is not registered for this app.',
    description:
      'The gateway runs in safelist mode and the operation is not in the persisted-query manifest of any supported app build. Register the build that sends it (`npm run app-build:register`).',
  },
  PERSISTED_QUERY_NOT_FOUND: {
    message: 'PersistedQueryNotFound',
    description:
      'Automatic persisted queries: the hash is not known yet. Client libraries react to this code by resending the query with its text (the message is part of that protocol).',
  },
  PERSISTED_QUERY_NOT_SUPPORTED: {
    message: 'PersistedQueryNotSupported',
    description:
      'Persisted queries are turned off on this server (`PERSISTED_QUERIES=off`). Client libraries react to this code by sending the query text from then on.',
  },
  RATE_LIMITED: {
    message: 'Too many requests. Try again later.',
    description: 'The caller (user or client address) went over its request rate. The HTTP status is 429 and `Retry-After` says when to retry.',
  },
  CONFLICT: {
    message: 'This conflicts with something that already exists.',
    description: 'The change cannot be made because of existing data, e.g. a second review of the same product.',
  },
  NOT_FOUND: {
    message: 'The requested item does not exist.',
    description: 'The item named by the request does not exist (or no longer exists) at its source.',
  },
  UNAUTHENTICATED: {
    message: 'Authentication is required.',
    description: 'The request carries no valid credentials for an operation that needs them.',
  },
  FORBIDDEN: {
    message: 'You are not allowed to do this.',
    description: 'The caller is authenticated but not allowed to read or change this item.',
  },
  VENDOR_UNAVAILABLE: {
    message: 'This information is temporarily unavailable.',
    description:
      'An upstream provider failed, is down, refused our request for data (a provider 4xx on a read: our problem, not a mistake in the request), or its circuit breaker is open. The rest of the response is still valid; retry later.',
  },
  VENDOR_BAD_RESPONSE: {
    message: 'This information is temporarily unavailable.',
    description:
      'An upstream provider answered with data that failed our checks (out of range, too long, malformed, more than was asked for, or a body over the size limit), so it was not passed on: the item is null. The rest of the response is still valid; retry later.',
  },
  VENDOR_TIMEOUT: {
    message: 'This information took too long to load.',
    description: 'An upstream provider did not answer within its deadline. The rest of the response is still valid; retry later.',
  },
  VENDOR_RATE_LIMITED: {
    message: 'This information is temporarily unavailable because of high demand.',
    description:
      'An upstream provider is rate limiting us. `extensions.retryAfterSeconds` says when to try again, when known.',
  },
  SERVICE_UNAVAILABLE: {
    message: 'Part of the service is temporarily unavailable.',
    description: 'A part of our own backend could not be reached or failed. The rest of the response is still valid; retry later.',
  },
  INTERNAL_SERVER_ERROR: {
    message: 'Something went wrong on our side.',
    description: 'An unexpected error. It is logged with the request id; quote `extensions.requestId` when reporting it.',
  },
} as const satisfies Record<string, { message: string; description: string }>;

export type ErrorCode = keyof typeof errorCodes;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(errorCodes, value);
}
