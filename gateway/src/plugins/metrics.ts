import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Registry } from 'prom-client';
import { answeredErrorCodes } from '../metrics/answeredErrorCodes.js';
import { OPERATION_LABEL, type OperationLabel } from '../metrics/operationLabel.js';
import { operationMetrics } from '../metrics/operationMetrics.js';

export interface MetricsPluginOptions {
  readonly registry: Registry;
  /** Shared with the persisted-query metrics, so that both name an operation alike and share one cap. */
  readonly operationLabel: OperationLabel;
}

/** The answers of persisted-query handling that come before (or instead of) the client's own document. */
const PERSISTED_QUERY_REFUSALS = new Set(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_NOT_ALLOWED']);

/**
 * An APQ miss: the hash alone was unknown, and the client's persisted-query link resends the
 * text at once. A step of the protocol, not an operation answered: counting it would add a
 * request (and a fast duration) for every first use of a query after a deploy or a restart,
 * which dilutes the error ratio (GatewayErrorRatio) and the latency quantiles exactly when a
 * new release goes out. gateway_persisted_queries_total{result="miss"} counts it.
 */
function isPersistedQueryMiss(codes: readonly unknown[]): boolean {
  return codes.length > 0 && codes.every((code) => code === 'PERSISTED_QUERY_NOT_FOUND');
}

/**
 * Per GraphQL operation (each operation of a batch is one): gateway_requests_total,
 * gateway_request_duration_seconds from the moment Apollo has it to its answer being
 * ready, and gateway_request_errors_total by the code of each error the client gets.
 *
 * It reads the answer in `willSendResponse`, after `formatError` masked it, so the codes
 * are the client's. List it after the answer-shaping plugin (whose cap on errors also runs
 * there: hooks start in list order) and before the persisted-query plugins (the safelist
 * drops a refused request's name in `requestDidStart`, and this one reads it first).
 *
 * The operation label: a resolved operation's name; the name the client claimed when
 * persisted-query handling refused its document (an app build's name, else `__other`); and
 * `__invalid` when no operation was resolved (not parsed, not valid, unknown operationName).
 * Requests the HTTP layer refused (429, 401, 413) never reach Apollo and are not counted here,
 * nor are APQ misses (PERSISTED_QUERY_NOT_FOUND), which the client answers by resending.
 */
export function metricsPlugin(options: MetricsPluginOptions): ApolloServerPlugin<BaseContext> {
  const operations = operationMetrics(options.registry);
  return {
    async requestDidStart({ request }) {
      const startedAt = performance.now();
      const claimed = request.operationName;
      return {
        async willSendResponse({ response, operation }) {
          const codes = answeredErrorCodes(response);
          if (isPersistedQueryMiss(codes)) return;
          const label = codes.some((code) => typeof code === 'string' && PERSISTED_QUERY_REFUSALS.has(code))
            ? options.operationLabel.ofClaimed(claimed)
            : operation
              ? options.operationLabel.ofOperation(operation.name?.value)
              : OPERATION_LABEL.invalid;
          operations.answered(label, (performance.now() - startedAt) / 1000, codes);
        },
      };
    },
  };
}
