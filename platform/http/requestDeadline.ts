/**
 * One latency budget per GraphQL request, carried from the gateway to every subgraph.
 *
 * The gateway sends each subgraph fetch the budget that is LEFT, in whole milliseconds,
 * relative to the moment it sends it (`x-request-deadline-ms: 640`). A relative value means
 * the gateway's and the subgraph's clocks need not agree; the subgraph turns it into an
 * absolute deadline on its own clock the moment the request arrives, and every vendor call
 * of that request ends by then.
 */
export const REQUEST_DEADLINE_HEADER = 'x-request-deadline-ms';

/** A client may shorten (never lengthen) the gateway's budget with this header, in ms. */
export const REQUEST_BUDGET_HEADER = 'x-request-budget-ms';

/** The largest budget either header may carry (ms); longer values are clamped by the reader. */
export const MAX_REQUEST_BUDGET_MS = 600_000;

const DIGITS = /^[0-9]{1,9}$/;

/**
 * A budget header's value in ms: a non-negative integer of digits only (no sign, unit,
 * fraction or exponent), surrounding spaces allowed; a repeated header counts as malformed.
 * `undefined` = absent; `null` = present but malformed.
 */
export function parseBudgetMs(raw: string | string[] | undefined): number | undefined | null {
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) return raw.length === 1 ? parseBudgetMs(raw[0]) : null;
  const text = raw.trim();
  if (!DIGITS.test(text)) return null;
  return Math.min(Number(text), MAX_REQUEST_BUDGET_MS);
}

/** Whole ms left until `deadlineAt` (same clock as `now`), never negative. */
export function remainingMs(deadlineAt: number, now: number = Date.now()): number {
  return Math.max(0, Math.floor(deadlineAt - now));
}
