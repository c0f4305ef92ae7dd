import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Viewer } from '../identity/Viewer.js';
import type { Logger } from '../log/createLogger.js';
import { AppError } from '../errors/AppError.js';

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
 * Puts the request id in `extensions.requestId` of every answer and logs every error
 * with it, in full, since the client only sees a code. `describeError` lets a service
 * log its own failures (at warn: they are expected, coded and already answered).
 */
export function requestIdPlugin<TContext extends RequestScoped>(describeError?: DescribeError): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            const described = describeError?.(original);
            if (described !== undefined) {
              contextValue.logger.warn({ operationName, path: error.path, ...described.fields }, described.message);
            } else if (original instanceof AppError || !error.originalError) {
              contextValue.logger.info({ operationName, path: error.path, code: error.extensions?.code, message: error.message }, 'request error');
            } else {
              contextValue.logger.error({ operationName, path: error.path, err: original }, 'unexpected resolver error');
            }
          }
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
