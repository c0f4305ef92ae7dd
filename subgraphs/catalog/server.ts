import { createVendorSubgraph } from '../kit/server/createVendorSubgraph.js';
import { loadSchemaFile } from '../kit/server/loadSchemaFile.js';
import type { SubgraphDeps } from '../kit/server/SubgraphModule.js';
import type { SubgraphService } from '../kit/server/SubgraphService.js';
import { createCommerceClient, type CommerceClient } from './commerceClient.js';
import type { CatalogConfig } from './config.js';
import type { CatalogContext } from './context.js';
import { createProductLoader } from './loaders.js';
import { catalogPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadSchemaFile(new URL('./schema.graphql', import.meta.url));

/** The catalog subgraph over the commerce vendor; opens no port (see main.ts). */
export function createCatalogSubgraph(deps: SubgraphDeps<CatalogConfig>): SubgraphService {
  return createVendorSubgraph<CommerceClient, CatalogContext>({
    ...deps,
    name: 'catalog',
    vendor: 'commerce',
    typeDefs,
    resolvers,
    permissions: catalogPermissions,
    auth: (key) => ({ kind: 'header', header: 'x-api-key', value: key }),
    api: createCommerceClient,
    context: (commerce, loaderDeps) => ({
      commerce,
      cache: loaderDeps.cache,
      listPolicy: loaderDeps.policy,
      productById: createProductLoader(commerce, loaderDeps),
    }),
  });
}
