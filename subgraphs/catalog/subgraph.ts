import { defineSubgraph } from '../kit/server/SubgraphModule.js';
import { catalogSettings, parseCatalogConfig } from './config.js';
import { createCatalogSubgraph } from './server.js';

/** How the registry's tools (npm start, the test harness, docs) run and document this subgraph. */
export const subgraph = defineSubgraph({
  name: 'catalog',
  settings: catalogSettings,
  parseConfig: parseCatalogConfig,
  create: createCatalogSubgraph,
});
