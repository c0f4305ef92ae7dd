import { envPrefix, subgraphEntries } from '../../platform/registry/services.js';

/**
 * Request budgets for tests of something else (shutdown, signals, wiring): generous on
 * purpose, so that a busy machine's cold start cannot cost a test its fields. Tests of the
 * request budget itself set REQUEST_BUDGET_MS (production default: 1 s).
 */
export const COLD_START_BUDGETS: Readonly<Record<string, string>> = Object.freeze({
  REQUEST_BUDGET_MS: '5000',
  SUBGRAPH_TIMEOUT_MS: '5000',
});

/**
 * Every subgraph's vendor deadline (`<PREFIX>_VENDOR_DEADLINE_MS`, production default 1 s),
 * generous likewise: startStack's default, since on a machine whose cores are busy a cold
 * stack's vendor calls can take longer than a second. The request budget still bounds every
 * call. Tests of the vendor deadline set their own.
 */
export const COLD_START_VENDOR_DEADLINES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(subgraphEntries.map((s) => [`${envPrefix(s.name)}_VENDOR_DEADLINE_MS`, '10000'])),
);
