import type { IncomingMessage } from 'node:http';
import { HttpRefusal } from '../../../platform/http/HttpRefusal.js';
import { parseBudgetMs, REQUEST_BUDGET_HEADER } from '../../../platform/http/requestDeadline.js';

/**
 * Refuses a malformed client budget (`x-request-budget-ms`) with 400 BAD_REQUEST before
 * anything runs. Refused rather than ignored: a client that sends a budget relies on it
 * (it has its own timeout at that value), and silently running with the gateway's longer
 * budget would hide its bug behind answers that arrive after it gave up. A value above the
 * gateway's budget is not an error: it is clamped (a client can only shorten it).
 */
export function refuseMalformedBudget(req: IncomingMessage): void {
  if (parseBudgetMs(req.headers[REQUEST_BUDGET_HEADER]) !== null) return;
  throw new HttpRefusal(400, 'BAD_REQUEST', `The ${REQUEST_BUDGET_HEADER} header must be a whole number of milliseconds, e.g. 800.`);
}

/**
 * When this request's budget runs out (epoch ms): the gateway's budget from when the request
 * arrived, shortened (never lengthened) by the client's `x-request-budget-ms`.
 */
export function requestDeadlineAt(req: IncomingMessage, receivedAt: number, budgetMs: number): number {
  const asked = parseBudgetMs(req.headers[REQUEST_BUDGET_HEADER]);
  return receivedAt + (typeof asked === 'number' ? Math.min(asked, budgetMs) : budgetMs);
}
