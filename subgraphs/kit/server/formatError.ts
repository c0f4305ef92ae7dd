import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError } from '../../../platform/errors/AppError.js';
import { isErrorCode } from '../../../platform/errors/errorCodes.js';
import { toGraphQLError } from '../errors/toGraphQLError.js';
import { VendorError } from '../errors/VendorError.js';

/**
 * What leaves a subgraph: a registry code and a public message, with path and
 * locations. No stack, no vendor name, URL or body (those are logged by `requestIdPlugin`).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;

  let safe: { message: string; extensions: Record<string, unknown> };
  if (original instanceof AppError || original instanceof VendorError) {
    const mapped = toGraphQLError(original);
    safe = { message: mapped.message, extensions: { ...mapped.extensions } };
  } else if (isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR' && !(original instanceof Error && original !== error && !('extensions' in original))) {
    // Errors made by graphql-js / Apollo itself (parse, validation, variable coercion) describe the query, not our internals.
    safe = { message: formatted.message, extensions: { code } };
  } else {
    const mapped = toGraphQLError(new Error('unexpected'));
    safe = { message: mapped.message, extensions: { code: mapped.extensions.code } };
  }
  return {
    message: safe.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: safe.extensions,
  };
}
