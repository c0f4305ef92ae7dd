import { createVendorSubgraph } from '../kit/server/createVendorSubgraph.js';
import { loadSchemaFile } from '../kit/server/loadSchemaFile.js';
import type { SubgraphDeps } from '../kit/server/SubgraphModule.js';
import type { SubgraphService } from '../kit/server/SubgraphService.js';
import type { AccountsConfig } from './config.js';
import type { AccountsContext } from './context.js';
import { createIdentityVendorClient, type IdentityVendorClient } from './identityVendorClient.js';
import { createUserLoader } from './loaders.js';
import { accountsPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadSchemaFile(new URL('./schema.graphql', import.meta.url));

/** The accounts subgraph over the identity vendor; opens no port (see main.ts). */
export function createAccountsSubgraph(deps: SubgraphDeps<AccountsConfig>): SubgraphService {
  return createVendorSubgraph<IdentityVendorClient, AccountsContext>({
    ...deps,
    name: 'accounts',
    vendor: 'identity',
    typeDefs,
    resolvers,
    permissions: accountsPermissions,
    auth: (token) => ({ kind: 'bearer', token }),
    api: (vendor) => createIdentityVendorClient(vendor, { clientId: deps.config.oauthClientId, clientSecret: deps.config.oauthClientSecret }),
    context: (identity, loaderDeps) => ({ userById: createUserLoader(identity, loaderDeps), identity, cache: loaderDeps.cache }),
  });
}
