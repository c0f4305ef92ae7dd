import { GraphQLError } from 'graphql';
import type { Logger } from '../../../platform/log/createLogger.js';
import { AppError } from '../../../platform/errors/AppError.js';
import { isErrorCode, type ErrorCode } from '../../../platform/errors/errorCodes.js';
import { VendorError, type VendorErrorKind } from './VendorError.js';

const codeForKind: Record<VendorErrorKind, ErrorCode> = {
  timeout: 'VENDOR_TIMEOUT',
  network: 'VENDOR_UNAVAILABLE',
  server: 'VENDOR_UNAVAILABLE',
  bad_response: 'VENDOR_BAD_RESPONSE',
  breaker_open: 'VENDOR_UNAVAILABLE',
  // Our credentials being refused is an operator problem; the caller only needs to know it is unavailable.
  auth: 'VENDOR_UNAVAILABLE',
  rate_limited: 'VENDOR_RATE_LIMITED',
  not_found: 'NOT_FOUND',
  // Only writes are 'rejected' (statusToError): the caller's input was refused. A subgraph maps
  // the refusals it can name (CONFLICT, a field) before this; the rest is the caller's input.
  rejected: 'BAD_USER_INPUT',
  // A read the vendor refused is our request's fault (we validate inputs before calling), not the caller's.
  refused: 'VENDOR_UNAVAILABLE',
};

/**
 * The one place where anything thrown below a resolver becomes what a client sees.
 * AppErrors pass through; vendor failures become a registry code with its public
 * message; anything else is an INTERNAL_SERVER_ERROR. The full error goes to the log.
 */
export function toGraphQLError(err: unknown, logger?: Logger): GraphQLError {
  if (err instanceof AppError) return err;
  if (err instanceof VendorError) {
    const code = codeForKind[err.kind];
    logger?.warn(
      { err: { kind: err.kind, vendor: err.vendor, operation: err.operation, status: err.status, body: err.body, message: err.message } },
      'vendor call failed',
    );
    const extensions: Record<string, unknown> = {};
    if (code === 'VENDOR_RATE_LIMITED' && err.retryAfterMs !== undefined) {
      extensions.retryAfterSeconds = Math.max(1, Math.ceil(err.retryAfterMs / 1000));
    }
    return new AppError(code, undefined, { extensions, cause: err });
  }
  // A GraphQLError that already carries a registry code (e.g. from graphql-js validation) is safe to keep.
  if (err instanceof GraphQLError && isErrorCode(err.extensions?.code) && !(err.originalError && !(err.originalError instanceof GraphQLError))) {
    return err;
  }
  logger?.error({ err }, 'unexpected error');
  return new AppError('INTERNAL_SERVER_ERROR', undefined, { cause: err });
}
