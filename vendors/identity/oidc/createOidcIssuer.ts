import type { JWTPayload } from 'jose';
import type { ControlRoute, Route } from '../../sandbox/types.js';
import type { UserDirectory } from '../UserDirectory.js';
import { AuthorizationCodeStore } from './authorizationCodes.js';
import { authorizeRoutes } from './authorizeEndpoint.js';
import { ClientRegistry, defaultOAuthClients, MOBILE_APP_CLIENT_ID, type OAuthClientConfig } from './clients.js';
import { discoveryRoutes } from './discovery.js';
import type { IdentityIssuerControl } from './IdentityIssuerControl.js';
import { keysControlRoutes } from './keysControl.js';
import { RefreshTokenStore } from './refreshTokens.js';
import { DEFAULT_SCOPES } from './scopes.js';
import { SigningKeyRing } from './signingKeys.js';
import { signupRoute } from './signup.js';
import { tokenRoute } from './tokenEndpoint.js';
import { ACCESS_TOKEN_TYP, TokenIssuer } from './tokenIssuer.js';

export const DEFAULT_AUDIENCE = 'mobile-graph';

export interface OidcIssuerOptions {
  users: UserDirectory;
  /** `aud` of access tokens; default 'mobile-graph'. */
  audience?: string;
  /** Default 900 s. */
  accessTokenTtlS?: number;
  /** Default: the mobile app and the accounts service (see `defaultOAuthClients`). */
  clients?: readonly OAuthClientConfig[];
  /** Secret of the default confidential client `mobile-graph-accounts` (ignored when `clients` is given). */
  accountsClientSecret?: string;
  clock?: () => number;
}

export interface OidcIssuer {
  readonly routes: Route[];
  readonly controlRoutes: ControlRoute[];
  readonly control: IdentityIssuerControl;
  /** The issuer is the server's URL, known only once it listens. */
  setIssuer(url: string): void;
}

/** Everything that makes IdentiCo an OpenID Connect issuer: endpoints, keys, stores, control. */
export async function createOidcIssuer(options: OidcIssuerOptions): Promise<OidcIssuer> {
  const clock = options.clock ?? Date.now;
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  if (audience.length === 0) throw new TypeError('audience must not be empty');
  const clients = new ClientRegistry(options.clients ?? defaultOAuthClients(options.accountsClientSecret));
  const keys = await SigningKeyRing.create(clock);
  const codes = new AuthorizationCodeStore(clock);
  const refreshTokens = new RefreshTokenStore(clock);
  let issuerUrl = '';
  const issuer = (): string => issuerUrl;
  const tokens = new TokenIssuer({ keys, issuer, audience, refreshTokens, clock });
  if (options.accessTokenTtlS !== undefined) tokens.setAccessTokenTtl(options.accessTokenTtlS);
  const { users } = options;

  const control: IdentityIssuerControl = {
    get issuer() {
      return issuerUrl;
    },
    audience,
    rotateKeys: () => keys.rotate(),
    retireKeys: () => keys.retire(),
    activeKid: () => keys.activeKid(),
    async signAccessToken(claims, opts = {}) {
      const payload: JWTPayload = { ...tokens.accessTokenClaims('', MOBILE_APP_CLIENT_ID, DEFAULT_SCOPES) };
      delete payload.sub;
      Object.assign(payload, claims);
      for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
      return keys.sign(payload, { kid: opts.kid, header: { typ: ACCESS_TOKEN_TYP, ...opts.header } });
    },
    setAccessTokenTtl: (seconds) => tokens.setAccessTokenTtl(seconds),
  };

  return {
    routes: [
      ...discoveryRoutes({ issuer, keys }),
      ...authorizeRoutes({ clients, users, codes, clock }),
      tokenRoute({ clients, users, codes, refreshTokens, tokens, clock }),
      signupRoute(users),
    ],
    controlRoutes: keysControlRoutes(keys),
    control,
    setIssuer(url) {
      issuerUrl = url.replace(/\/+$/, '');
    },
  };
}
