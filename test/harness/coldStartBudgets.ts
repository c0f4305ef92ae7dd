/**
 * Request budgets for tests of something else (shutdown, signals, wiring): generous on
 * purpose, so that a busy machine's cold start cannot cost a test its fields. Tests of the
 * request budget itself set REQUEST_BUDGET_MS (production default: 1 s).
 */
export const COLD_START_BUDGETS: Readonly<Record<string, string>> = Object.freeze({
  REQUEST_BUDGET_MS: '5000',
  SUBGRAPH_TIMEOUT_MS: '5000',
});
