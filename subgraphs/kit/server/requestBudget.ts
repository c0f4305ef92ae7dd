import type { IncomingMessage } from 'node:http';
import { HttpRefusal } from '../../../platform/http/HttpRefusal.js';
import { parseBudgetMs, REQUEST_DEADLINE_HEADER } from '../../../platform/http/requestDeadline.js';

/** Most of the budget kept back for the answer's way back to the gateway (ms). */
const MAX_ANSWER_RESERVE_MS = 50;

export interface RequestBudget {
  /** When the gateway stops waiting (epoch ms, this process's clock). */
  readonly expiresAt: number;
  /** When the work must end so that the answer still reaches the gateway in time: what vendor calls get. */
  readonly workDeadlineAt: number;
}

/**
 * The budget the gateway gave this request (`x-request-deadline-ms`, ms left when it was
 * sent), on this process's clock from the moment the request arrived. A tenth of it (at
 * most 50 ms) is kept for the answer, so that a slow vendor becomes a coded field error in
 * time rather than a fetch the gateway aborts. No header (a direct call, a tool) or a
 * malformed one → undefined: only each vendor call's own deadline applies.
 */
export function requestBudget(req: IncomingMessage, receivedAt: number): RequestBudget | undefined {
  const budgetMs = parseBudgetMs(req.headers[REQUEST_DEADLINE_HEADER]);
  if (budgetMs === undefined || budgetMs === null) return undefined;
  const reserveMs = Math.min(MAX_ANSWER_RESERVE_MS, Math.floor(budgetMs / 10));
  return { expiresAt: receivedAt + budgetMs, workDeadlineAt: receivedAt + budgetMs - reserveMs };
}

/**
 * Refuses a request nobody waits for any more: its budget ran out before it could run
 * (typically a backlog read after the process was frozen or overloaded). Answered at once,
 * 504 with VENDOR_TIMEOUT, without running it, so the vendor sees no burst of dead work.
 */
export function refuseIfExpired(req: IncomingMessage, receivedAt: number, now: number = Date.now()): void {
  const budget = requestBudget(req, receivedAt);
  if (budget !== undefined && now >= budget.expiresAt) {
    throw new HttpRefusal(504, 'VENDOR_TIMEOUT', 'The request budget was spent before this request could run.');
  }
}
