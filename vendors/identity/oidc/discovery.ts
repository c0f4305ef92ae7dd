import type { Route } from '../../sandbox/types.js';
import { AUTHORIZE_PATH } from './authorizeEndpoint.js';
import { SIGNING_ALG, type SigningKeyRing } from './signingKeys.js';
import { SUPPORTED_SCOPES } from './scopes.js';
import { SIGNUP_PATH } from './signup.js';
import { TOKEN_PATH } from './tokenEndpoint.js';

export const DISCOVERY_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/.well-known/jwks.json';

/** OpenID Connect Discovery 1.0 metadata for `issuer`. */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}${AUTHORIZE_PATH}`,
    token_endpoint: `${issuer}${TOKEN_PATH}`,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    registration_endpoint: `${issuer}${SIGNUP_PATH}`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'password'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    scopes_supported: [...SUPPORTED_SCOPES],
    subject_types_supported: ['public'],
  };
}

/**
 * Discovery and the JWKS. Both are public but recorded and subject to faults like any
 * endpoint, so tests can make key fetching slow or fail. The JWKS may be cached a minute:
 * a verifier meeting an unknown kid must refetch rather than wait for that to expire.
 */
export function discoveryRoutes(deps: { issuer: () => string; keys: SigningKeyRing }): Route[] {
  return [
    {
      method: 'GET',
      pattern: DISCOVERY_PATH,
      public: true,
      handle: () => ({ status: 200, body: discoveryDocument(deps.issuer()), headers: { 'cache-control': 'public, max-age=60' } }),
    },
    {
      method: 'GET',
      pattern: JWKS_PATH,
      public: true,
      handle: () => ({ status: 200, body: deps.keys.jwks(), headers: { 'cache-control': 'public, max-age=60' } }),
    },
  ];
}
