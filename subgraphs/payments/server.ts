import { createVendorSubgraph } from '../kit/server/createVendorSubgraph.js';
import { loadSchemaFile } from '../kit/server/loadSchemaFile.js';
import type { SubgraphDeps } from '../kit/server/SubgraphModule.js';
import type { SubgraphService } from '../kit/server/SubgraphService.js';
import { createPaymentsVendorClient, type PaymentsVendorClient } from './paymentsVendorClient.js';
import type { PaymentsConfig } from './config.js';
import type { PaymentsContext } from './context.js';
import { createPaymentsLoaders } from './loaders.js';
import { paymentsPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadSchemaFile(new URL('./schema.graphql', import.meta.url));

/** The payments subgraph over the payments vendor; opens no port (see main.ts). */
export function createPaymentsSubgraph(deps: SubgraphDeps<PaymentsConfig>): SubgraphService {
  return createVendorSubgraph<PaymentsVendorClient, PaymentsContext>({
    ...deps,
    name: 'payments',
    vendor: 'payments',
    typeDefs,
    resolvers,
    permissions: paymentsPermissions,
    // How the vendor wants its key: a header here; `{ kind: 'bearer', token: key }` for bearer tokens.
    auth: (key) => ({ kind: 'header', header: 'x-api-key', value: key }),
    api: createPaymentsVendorClient,
    context: (vendor, loaderDeps) => ({ loaders: createPaymentsLoaders(vendor, loaderDeps) }),
  });
}
