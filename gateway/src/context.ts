import type { RequestInfo } from '../../platform/http/createHttpHandler.js';
import type { RequestScoped } from '../../platform/http/requestIdPlugin.js';
import type { Logger } from '../../platform/log/createLogger.js';
import { requestDeadlineAt } from './deadline/requestBudget.js';

/** What every gateway resolver, plugin and subgraph fetch of one request can see. */
export interface GatewayContext extends RequestScoped {
  /** From the caller's `x-request-id` when safe, otherwise generated; forwarded to every subgraph. */
  readonly requestId: string;
  /** Child logger with the request id on every line. */
  readonly logger: Logger;
  /** When this request's budget runs out (epoch ms); each subgraph fetch gets what is left of it. */
  readonly deadlineAt: number;
  /** Fires when the client has gone: no further subgraph fetch starts for it. */
  readonly signal: AbortSignal;
}

/**
 * Builds the per-request context for the kit's HTTP handler. The viewer is what the
 * `authenticate` hook made of the access token (null = anonymous); it is what the gateway
 * signs into the identity each subgraph receives. The budget starts when the request arrived.
 */
export function createContextFactory(logger: Logger, options: { requestBudgetMs: number }): (info: RequestInfo) => Promise<GatewayContext> {
  return async ({ requestId, viewer, req, receivedAt, signal }) => ({
    requestId,
    logger: logger.child({ requestId }),
    viewer,
    deadlineAt: requestDeadlineAt(req, receivedAt, options.requestBudgetMs),
    signal,
  });
}
