import { defineSubgraph } from '../kit/server/SubgraphModule.js';
import { parsePaymentsConfig, paymentsSettings } from './config.js';
import { createPaymentsSubgraph } from './server.js';

/** How the registry's tools (npm start, the test harness, docs) run and document this subgraph. */
export const subgraph = defineSubgraph({
  name: 'payments',
  settings: paymentsSettings,
  parseConfig: parsePaymentsConfig,
  create: createPaymentsSubgraph,
});
