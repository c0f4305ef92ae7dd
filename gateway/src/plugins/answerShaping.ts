import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { errorCodes, isErrorCode } from '../../../platform/errors/errorCodes.js';
import type { Logger } from '../../../platform/log/createLogger.js';

export interface AnswerShapingOptions {
  /** Most errors an answer without data lists (a refused request). */
  readonly maxErrors: number;
  readonly logger: Logger;
}

/**
 * The last look at an answer before it leaves (`willSendResponse`), for what `formatError`
 * cannot see:
 *
 * - **the number of errors** of an answer that refused the request (no `data`: parse,
 *   validation, variables) is capped at `maxErrors`; the rest are counted in
 *   `extensions.errorsOmitted`. One bad query cannot make the gateway write (and a scanner
 *   count) one error per directive, field or alias. An answer with data keeps every error:
 *   each names the path of a field in it, and the cost limit bounds how many fields there are;
 * - **errors in top-level `extensions`** (Apollo Gateway puts the value-completion errors of
 *   a subgraph's answer, code `INVALID_GRAPHQL`, in `extensions.valueCompletion`) are
 *   masked like any other: the public message of SERVICE_UNAVAILABLE (a subgraph answered
 *   something the schema does not allow) and the path; the original is logged.
 */
export function answerShapingPlugin<TContext extends object>(options: AnswerShapingOptions): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, request }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.data === undefined && result.errors && result.errors.length > options.maxErrors) {
            const omitted = result.errors.length - options.maxErrors;
            response.body.singleResult = {
              ...result,
              errors: result.errors.slice(0, options.maxErrors),
              extensions: { ...result.extensions, errorsOmitted: omitted },
            };
          }
          const extensions = response.body.singleResult.extensions;
          if (!extensions) return;
          for (const [key, value] of Object.entries(extensions)) {
            if (!Array.isArray(value) || !value.some(isErrorLike)) continue;
            options.logger.warn({ extension: key, errors: value, operationName: request.operationName }, 'errors in response extensions masked');
            extensions[key] = value.map(maskExtensionError);
          }
        },
      };
    },
  };
}

function isErrorLike(value: unknown): value is GraphQLFormattedError {
  return typeof value === 'object' && value !== null && 'message' in value;
}

function maskExtensionError(value: unknown): GraphQLFormattedError {
  const error = isErrorLike(value) ? value : undefined;
  const code = error?.extensions?.code;
  const kept = isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR' ? code : 'SERVICE_UNAVAILABLE';
  return {
    message: errorCodes[kept].message,
    ...(Array.isArray(error?.path) ? { path: error.path } : {}),
    extensions: { code: kept },
  };
}
