import { parseConfig, type ConfigOf } from '../../platform/config/parseConfig.js';
import { sandboxDefaults, subgraphEntry } from '../../platform/registry/services.js';
import { serviceSettings } from '../../platform/config/serviceSettings.js';
import { string, type Env } from '../../platform/config/setting.js';
import { vendorSettings } from '../kit/vendor/vendorSettings.js';

export const accountsSettings = {
  ...serviceSettings('ACCOUNTS', subgraphEntry('accounts').port),
  ...vendorSettings('ACCOUNTS', {
    ...sandboxDefaults('accounts'),
    // IdentiCo's documented limit for /api/users/lookup.
    maxBatchSize: 100,
    // Display names and avatars change rarely; ten minutes is fresh enough for review bylines.
    cacheTtlMs: 600_000,
  }),
  // The identity provider's OAuth client this subgraph signs users in as (password and refresh grants).
  oauthClientId: string('ACCOUNTS_OAUTH_CLIENT_ID', {
    default: 'mobile-graph-accounts',
    description: "OAuth client id of the accounts subgraph at the identity provider (first-party client allowed the password grant).",
  }),
  oauthClientSecret: string('ACCOUNTS_OAUTH_CLIENT_SECRET', {
    default: 'sandbox-accounts-client-secret',
    secret: true,
    description: 'Secret of that OAuth client, sent in the token request body (client_secret_post). Never logged.',
  }),
};

export type AccountsConfig = ConfigOf<typeof accountsSettings>;

export function parseAccountsConfig(env: Env): AccountsConfig {
  return parseConfig('accounts', accountsSettings, env);
}
