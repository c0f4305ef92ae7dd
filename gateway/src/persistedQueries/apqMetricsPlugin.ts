import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { answeredErrorCodes } from '../metrics/answeredErrorCodes.js';
import type { OperationLabel } from '../metrics/operationLabel.js';
import type { PersistedQueryMetrics } from '../metrics/persistedQueryMetrics.js';

/**
 * Counts the lookups of automatic persisted queries, which Apollo does itself: a request
 * with a hash and no text is a hit when Apollo found the text (`metrics.persistedQueryHit`),
 * a miss when it answered PERSISTED_QUERY_NOT_FOUND. A registration (text and hash) looks
 * nothing up and is not counted. A hit is labelled by the operation it resolved, a miss by
 * the name the client claimed: an app build's name, else `__other` (`__unknown` when none),
 * since nothing was resolved and a made-up name must not take a label of its own.
 */
export function apqMetricsPlugin(metrics: PersistedQueryMetrics, operationLabel: OperationLabel): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ request }) {
      if (request.query !== undefined || request.extensions?.persistedQuery === undefined) return;
      const claimed = request.operationName;
      return {
        async willSendResponse(requestContext) {
          if (requestContext.metrics.persistedQueryHit) {
            const { operation } = requestContext;
            metrics.counted('hit', operation ? operationLabel.ofOperation(operation.name?.value) : operationLabel.ofClaimed(claimed));
          } else if (answeredErrorCodes(requestContext.response).includes('PERSISTED_QUERY_NOT_FOUND')) {
            metrics.counted('miss', operationLabel.ofClaimed(claimed));
          }
        },
      };
    },
  };
}
