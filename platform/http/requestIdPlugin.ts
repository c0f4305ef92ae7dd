import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLError } from 'graphql';
import type { Viewer } from '../identity/Viewer.js';
import type { Logger } from '../log/createLogger.js';
import { AppError } from '../errors/AppError.js';
import { isErrorCode } from '../errors/errorCodes.js';

export interface RequestScoped {
  readonly requestId: string;
  readonly logger: Logger;
  /** The verified caller; null when anonymous. */
  readonly viewer: Viewer | null;
}

/**
 * How a service logs an error kind of its own (e.g. the kit's vendor failures, with
 * vendor, status and body), or undefined to log it the default way.
 */
export type DescribeError = (original: unknown) => { readonly fields: Record<string, unknown>; readonly message: string } | undefined;

/**
 * Codes that say a dependency failed (a vendor, a subgraph): expected, already answered with
 * a code, and worth a warning when they pile up. Every other registry code is the caller's
 * business (bad input, no access, over a limit): info.
 */
const DEPENDENCY_CODES: ReadonlySet<string> = new Set([
  'VENDOR_UNAVAILABLE',
  'VENDOR_BAD_RESPONSE',
  'VENDOR_TIMEOUT',
  'VENDOR_RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
]);

/** At most this many paths and distinct described failures on the one line per request. */
const SAMPLE = 5;

/**
 * Puts the request id in `extensions.requestId` of every answer, and logs the request's
 * errors with it, since the client only sees a code:
 * - coded, expected errors (a vendor down, bad input): ONE line per request however many
 *   fields failed, at warn when a dependency failed, else info; codes counted, a few paths,
 *   and each distinct failure `describeError` knows (vendor, status, body) once;
 * - anything else is a bug that needs a person: error, with its stack (a few per request).
 */
export function requestIdPlugin<TContext extends RequestScoped>(describeError?: DescribeError): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          const codes: Record<string, number> = {};
          const paths: (readonly (string | number)[])[] = [];
          const described = new Map<string, { message: string; fields: Record<string, unknown>; count: number }>();
          const unexpected: { error: GraphQLError; original: unknown }[] = [];
          for (const error of errors) {
            const original = unwrapResolverError(error);
            const description = describeError?.(original);
            const code = description === undefined ? expectedCode(error, original) : (error.extensions?.code ?? 'described');
            if (code === undefined) {
              unexpected.push({ error, original });
              continue;
            }
            codes[String(code)] = (codes[String(code)] ?? 0) + 1;
            if (error.path && paths.length < SAMPLE) paths.push(error.path);
            if (description !== undefined) {
              const key = JSON.stringify([description.message, description.fields]);
              const seen = described.get(key);
              if (seen) seen.count++;
              else if (described.size < SAMPLE) described.set(key, { ...description, count: 1 });
            }
          }
          const expectedCount = errors.length - unexpected.length;
          if (expectedCount > 0) {
            const dependency = described.size > 0 || Object.keys(codes).some((c) => DEPENDENCY_CODES.has(c));
            const fields = {
              operationName,
              errorCount: expectedCount,
              codes,
              paths,
              ...(described.size > 0
                ? { failures: [...described.values()].map(({ message, fields: f, count }) => ({ message, ...f, count })) }
                : {}),
            };
            if (dependency) contextValue.logger.warn(fields, 'request answered with dependency errors');
            else contextValue.logger.info(fields, 'request answered with client errors');
          }
          for (const { error, original } of unexpected.slice(0, SAMPLE)) {
            contextValue.logger.error({ operationName, path: error.path, err: original }, 'unexpected resolver error');
          }
          if (unexpected.length > SAMPLE) contextValue.logger.error({ operationName, more: unexpected.length - SAMPLE }, 'more unexpected resolver errors in this request');
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind === 'single') {
            response.body.singleResult.extensions = {
              ...response.body.singleResult.extensions,
              requestId: contextValue.requestId,
            };
          }
        },
      };
    },
  };
}

/**
 * The code of an expected error: our own AppError, an error graphql-js or Apollo made about
 * the request (no exception behind it), or one that carries a registry code other than
 * INTERNAL_SERVER_ERROR (a subgraph's answer, seen from the gateway). Undefined: a bug.
 */
function expectedCode(error: GraphQLError, original: unknown): string | undefined {
  if (original instanceof AppError) return original.code;
  const code = error.extensions?.code;
  if (isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR') return code;
  if (!error.originalError) return typeof code === 'string' ? code : 'GRAPHQL_ERROR';
  return undefined;
}
