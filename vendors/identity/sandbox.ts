import { int, string } from '../../platform/config/setting.js';
import { defineSandboxVendor } from '../sandbox/SandboxVendorModule.js';
import { createIdentityVendor, type IdentityVendorOptions } from './createIdentityVendor.js';
import { DEFAULT_ACCOUNTS_CLIENT_SECRET } from './oidc/clients.js';
import { DEFAULT_AUDIENCE } from './oidc/createOidcIssuer.js';
import { DEFAULT_ACCESS_TOKEN_TTL_S, MAX_ACCESS_TOKEN_TTL_S } from './oidc/tokenIssuer.js';

/**
 * IdentiCo, behind the accounts subgraph and the app's OIDC issuer. Options: the issuer's
 * `audience`, `accessTokenTtlS`, `accountsClientSecret`, `clients`, `issuer`, `clock`.
 */
export const sandboxVendor = defineSandboxVendor({
  name: 'identity',
  settings: {
    identityAudience: string('SANDBOX_IDENTITY_AUDIENCE', {
      default: DEFAULT_AUDIENCE,
      description: 'Audience (`aud`) of the access tokens the identity sandbox vendor issues as an OpenID Connect issuer.',
    }),
    accessTokenTtlS: int('SANDBOX_ACCESS_TOKEN_TTL_S', {
      default: DEFAULT_ACCESS_TOKEN_TTL_S,
      min: 1,
      max: MAX_ACCESS_TOKEN_TTL_S,
      unit: 's',
      description: 'Lifetime of the access tokens the identity sandbox vendor issues.',
    }),
    accountsClientSecret: string('SANDBOX_ACCOUNTS_CLIENT_SECRET', {
      default: DEFAULT_ACCOUNTS_CLIENT_SECRET,
      secret: true,
      description: 'Client secret of the confidential OAuth client `mobile-graph-accounts` (password grant) at the identity sandbox vendor.',
    }),
  },
  optionsFrom: (config) => ({
    audience: config.identityAudience,
    accessTokenTtlS: config.accessTokenTtlS,
    accountsClientSecret: config.accountsClientSecret,
  }),
  start: (base, options) => createIdentityVendor({ ...base, ...(options as Partial<IdentityVendorOptions>) }),
});
