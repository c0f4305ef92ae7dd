import type { RouteResponse } from '../../sandbox/types.js';
import type { UserDirectory } from '../UserDirectory.js';
import type { AuthorizationCodeStore } from './authorizationCodes.js';
import type { OAuthClient } from './clients.js';
import { OAuthError } from './oauthErrors.js';
import { verifyS256 } from './pkce.js';
import type { RefreshTokenStore } from './refreshTokens.js';
import { required, type OAuthParams } from './requestParams.js';
import { DEFAULT_SCOPES, grantScopes, narrowScopes, type Scope } from './scopes.js';
import type { TokenIssuer } from './tokenIssuer.js';

export interface GrantDeps {
  users: UserDirectory;
  codes: AuthorizationCodeStore;
  refreshTokens: RefreshTokenStore;
  tokens: TokenIssuer;
  clock: () => number;
}

const invalidGrant = (description: string): OAuthError => new OAuthError('invalid_grant', description);
const nowS = (deps: GrantDeps): number => Math.floor(deps.clock() / 1000);

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.6). */
export async function authorizationCodeGrant(params: OAuthParams, client: OAuthClient, deps: GrantDeps): Promise<RouteResponse> {
  const code = required(params, 'code');
  const redirectUri = required(params, 'redirect_uri');
  const redemption = deps.codes.redeem(code);
  if (redemption.kind === 'unknown' || redemption.kind === 'expired') throw invalidGrant('Invalid or expired authorization code.');
  if (redemption.kind === 'replayed') {
    // RFC 6749 §4.1.2: a code used twice means it leaked; what it bought is revoked.
    if (redemption.familyId !== null) deps.refreshTokens.revokeFamily(redemption.familyId);
    throw invalidGrant('Authorization code has already been used; tokens issued from it have been revoked.');
  }
  const { grant } = redemption;
  if (grant.clientId !== client.clientId) throw invalidGrant('Authorization code was issued to another client.');
  if (grant.redirectUri !== redirectUri) throw invalidGrant('redirect_uri does not match the authorization request.');
  const verifier = params.get('code_verifier');
  if (grant.codeChallenge !== null) {
    if (verifier === undefined) throw new OAuthError('invalid_request', 'Missing required parameter: code_verifier.');
    if (!verifyS256(verifier, grant.codeChallenge)) throw invalidGrant('PKCE verification failed: code_verifier does not match code_challenge.');
  } else if (verifier !== undefined) {
    throw invalidGrant('code_verifier sent, but the authorization request had no code_challenge.');
  }
  const user = deps.users.byId(grant.userId);
  if (user === undefined) throw invalidGrant('The user no longer exists.');
  let refresh: { familyId: string; scopes: readonly Scope[] } | null = null;
  if (grant.scopes.includes('offline_access')) {
    refresh = { familyId: deps.refreshTokens.newFamily(), scopes: grant.scopes };
    redemption.bindFamily(refresh.familyId);
  }
  return deps.tokens.tokenResponse({ user, clientId: client.clientId, scopes: grant.scopes, refresh, nonce: grant.nonce, authTime: grant.authTime });
}

/** RFC 6749 §4.3, for the first-party accounts service only (never the app: it would see passwords). */
export async function passwordGrant(params: OAuthParams, client: OAuthClient, deps: GrantDeps): Promise<RouteResponse> {
  const username = required(params, 'username');
  const password = required(params, 'password');
  const decision = grantScopes(params.get('scope'), client.scopes, [...DEFAULT_SCOPES, 'offline_access']);
  if (!decision.ok) throw new OAuthError('invalid_scope', decision.description);
  const user = await deps.users.verifyCredentials(username, password);
  if (user === null) throw invalidGrant('Wrong email or password.');
  return deps.tokens.tokenResponse({
    user,
    clientId: client.clientId,
    scopes: decision.scopes,
    refresh: { familyId: deps.refreshTokens.newFamily(), scopes: decision.scopes },
    nonce: null,
    authTime: nowS(deps),
  });
}

/** RFC 6749 §6 with rotation: the presented token is spent, a successor comes back. */
export async function refreshTokenGrant(params: OAuthParams, client: OAuthClient, deps: GrantDeps): Promise<RouteResponse> {
  const token = required(params, 'refresh_token');
  const use = deps.refreshTokens.use(token, client.clientId, (grant) => {
    const decision = narrowScopes(params.get('scope'), grant.scopes);
    if (!decision.ok) throw new OAuthError('invalid_scope', decision.description);
    const user = deps.users.byId(grant.userId);
    if (user === undefined) throw invalidGrant('The user no longer exists.');
    return { user, scopes: decision.scopes };
  });
  if (use.kind === 'invalid') throw invalidGrant(use.description);
  if (use.kind === 'reused') throw invalidGrant('Refresh token reuse detected; every token of this sign-in has been revoked.');
  const { grant, checked } = use;
  return deps.tokens.tokenResponse({
    user: checked.user,
    clientId: client.clientId,
    scopes: checked.scopes,
    refresh: { familyId: grant.familyId, scopes: grant.scopes },
    nonce: null,
    authTime: grant.authTime,
  });
}
