import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Viewer } from '../auth/Viewer.js';
import type { Logger } from '../log/createLogger.js';
import { VendorError } from '../errors/VendorError.js';
import { AppError } from '../errors/AppError.js';

export interface RequestScoped {
  readonly requestId: string;
  readonly logger: Logger;
  /** The verified caller; null when anonymous. */
  readonly viewer: Viewer | null;
}

/**
 * Puts the request id in `extensions.requestId` of every answer and logs every error
 * with it, in full (vendor, status, body), since the client only sees a code.
 */
export function requestIdPlugin<TContext extends RequestScoped>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (original instanceof VendorError) {
              contextValue.logger.warn(
                {
                  operationName,
                  path: error.path,
                  vendor: original.vendor,
                  vendorOperation: original.operation,
                  kind: original.kind,
                  status: original.status,
                  vendorBody: original.body,
                },
                'vendor failure surfaced as a field error',
              );
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
