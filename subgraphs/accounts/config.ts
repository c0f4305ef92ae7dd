import { parseConfig, type ConfigOf } from '../kit/config/parseConfig.js';
import { serviceSettings } from '../kit/config/serviceSettings.js';
import type { Env } from '../kit/config/setting.js';
import { vendorSettings } from '../kit/vendor/vendorSettings.js';

export const accountsSettings = {
  ...serviceSettings('ACCOUNTS', 4003),
  ...vendorSettings('ACCOUNTS', {
    baseUrl: 'http://127.0.0.1:4103',
    apiKey: 'sandbox-identity-key',
    // IdentiCo's documented limit for /api/users/lookup.
    maxBatchSize: 100,
    // Display names and avatars change rarely; ten minutes is fresh enough for review bylines.
    cacheTtlMs: 600_000,
  }),
};

export type AccountsConfig = ConfigOf<typeof accountsSettings>;

export function parseAccountsConfig(env: Env): AccountsConfig {
  return parseConfig('accounts', accountsSettings, env);
}
