import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { AppError } from '../../../platform/errors/AppError.js';

/**
 * A document whose operation cannot be chosen (unknown `operationName`, or several
 * operations and no name) is the client's mistake: 400 BAD_REQUEST. Without this the
 * gateway's executor throws and Apollo answers 500.
 */
export function operationResolutionPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation) return;
          const message = request.operationName
            ? `Unknown operation named "${request.operationName}".`
            : 'The document has several operations: name the one to run in "operationName".';
          throw new AppError('BAD_REQUEST', message, { extensions: { http: { status: 400 } } });
        },
      };
    },
  };
}
