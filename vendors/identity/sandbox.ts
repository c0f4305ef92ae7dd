import { int, string, type ParseResult, type Setting } from '../../platform/config/setting.js';
import { defineSandboxVendor } from '../sandbox/SandboxVendorModule.js';
import { createIdentityVendor, type IdentityVendorOptions } from './createIdentityVendor.js';
import { DEFAULT_ACCOUNTS_CLIENT_SECRET } from './oidc/clients.js';
import { DEFAULT_AUDIENCE } from './oidc/createOidcIssuer.js';
import { DEFAULT_ACCESS_TOKEN_TTL_S, MAX_ACCESS_TOKEN_TTL_S } from './oidc/tokenIssuer.js';

/**
 * `SANDBOX_IDENTITY_ISSUER`: the issuer's public URL, for when its clients reach it by another
 * name than the one it listens on (in docker-compose it listens on 0.0.0.0 and is
 * `http://sandbox:4103` to every other container). It becomes the `iss` of every token and the
 * base of the discovery document, so it must be what verifiers expect exactly: no trailing
 * slash, query or fragment (which would never match a token's `iss`).
 */
function issuerSetting(): Setting<string | undefined> {
  const expected = 'an absolute http(s) URL without a trailing slash, query, fragment or credentials (the exact `iss` of its tokens)';
  return {
    env: 'SANDBOX_IDENTITY_ISSUER',
    description:
      'Public URL of the identity sandbox vendor as an OpenID Connect issuer: the `iss` of the tokens it mints and the base of its discovery document and jwks_uri. Set it to the gateway\'s AUTH_ISSUER when clients reach the vendor by another name than the one it listens on (docker-compose: http://sandbox:4103).',
    defaultText: '(the vendor\'s own URL, http://<SANDBOX_HOST>:<port>)',
    secret: false,
    parse(raw): ParseResult<string | undefined> {
      if (raw === undefined || raw.trim() === '') return { ok: true, value: undefined };
      const value = raw.trim();
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        return { ok: false, expected };
      }
      const plain = (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.username === '' && parsed.password === '';
      // On the text, not the parsed URL: `http://x?` has an empty search, yet is not the `iss` `http://x`.
      return plain && !value.endsWith('/') && !value.includes('?') && !value.includes('#') ? { ok: true, value } : { ok: false, expected };
    },
  };
}

/**
 * IdentiCo, behind the accounts subgraph and the app's OIDC issuer. Options: the issuer's
 * `audience`, `accessTokenTtlS`, `accountsClientSecret`, `clients`, `issuer`, `clock`.
 */
export const sandboxVendor = defineSandboxVendor({
  name: 'identity',
  settings: {
    issuer: issuerSetting(),
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
    // Unset: the vendor's own URL, known once it listens.
    ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
    audience: config.identityAudience,
    accessTokenTtlS: config.accessTokenTtlS,
    accountsClientSecret: config.accountsClientSecret,
  }),
  start: (base, options) => createIdentityVendor({ ...base, ...(options as Partial<IdentityVendorOptions>) }),
});
