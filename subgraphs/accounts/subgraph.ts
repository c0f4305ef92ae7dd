import { defineSubgraph } from '../kit/server/SubgraphModule.js';
import { accountsSettings, parseAccountsConfig } from './config.js';
import { createAccountsSubgraph } from './server.js';

/** How the registry's tools (npm start, the test harness, docs) run and document this subgraph. */
export const subgraph = defineSubgraph({
  name: 'accounts',
  settings: accountsSettings,
  parseConfig: parseAccountsConfig,
  create: createAccountsSubgraph,
});
