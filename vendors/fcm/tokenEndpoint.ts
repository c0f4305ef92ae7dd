import { createPublicKey, type KeyObject } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { Route, RouteRequest } from '../sandbox/types.js';
import type { AccessTokens } from './AccessTokens.js';
import { GOOGLE_OAUTH_MESSAGES as M, GoogleOAuthError, NO_STORE } from './googleOAuthError.js';

export const TOKEN_PATH = '/token';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** Also lets a token send with FCM, as at Google. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Google refuses assertions that live longer than this (s). */
const MAX_ASSERTION_LIFETIME_S = 3600;
/** Clock skew tolerated on `iat` and `exp` (s). */
const SKEW_S = 300;

/** A service account the sandbox knows: its email, project and public key. */
export interface KnownServiceAccount {
  clientEmail: string;
  project: string;
  privateKeyId: string;
  publicKey: KeyObject;
}

export function knownServiceAccount(json: { client_email: string; project_id: string; private_key: string }, privateKeyId: string): KnownServiceAccount {
  return { clientEmail: json.client_email, project: json.project_id, privateKeyId, publicKey: createPublicKey(json.private_key) };
}

export interface TokenEndpointDeps {
  accounts: ReadonlyMap<string, KnownServiceAccount>;
  tokens: AccessTokens;
  /** The token URLs an assertion's `aud` may name: this endpoint as the caller addressed it, or as configured. */
  audiences(req: Pick<RouteRequest, 'headers'>): string[];
  clock: () => number;
}

function params(req: Pick<RouteRequest, 'form' | 'body'>): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: string, value: string): void => {
    if (out.has(name)) throw new GoogleOAuthError('invalid_request', `Parameter '${name.slice(0, 50)}' must not be repeated.`);
    if (value !== '') out.set(name, value);
  };
  if (req.form !== null) {
    for (const [name, value] of req.form) add(name, value);
    return out;
  }
  const { body } = req;
  if (body.kind === 'json' && body.value !== null && typeof body.value === 'object' && !Array.isArray(body.value)) {
    for (const [name, value] of Object.entries(body.value as Record<string, unknown>)) if (typeof value === 'string') add(name, value);
    return out;
  }
  throw new GoogleOAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded.');
}

/**
 * `POST /token`: Google's OAuth 2.0 token endpoint for service accounts (RFC 7523 JWT bearer
 * grant). The assertion is an RS256 JWT signed with the account's private key, `iss` its email,
 * `aud` this endpoint, `scope` the APIs wanted, living at most an hour.
 */
export function tokenRoute(deps: TokenEndpointDeps): Route {
  return {
    method: 'POST',
    pattern: TOKEN_PATH,
    public: true,
    async handle(req) {
      try {
        const p = params(req);
        const grantType = p.get('grant_type');
        if (grantType === undefined) throw new GoogleOAuthError('invalid_request', 'Missing required parameter: grant_type');
        if (grantType !== JWT_BEARER_GRANT) throw new GoogleOAuthError('unsupported_grant_type', `Invalid grant_type: ${grantType.slice(0, 100)}`);
        const assertion = p.get('assertion');
        if (assertion === undefined) throw new GoogleOAuthError('invalid_request', 'Missing required parameter: assertion');
        const claims = await verifiedClaims(assertion, deps, req);
        const account = deps.accounts.get(claims.iss as string) as KnownServiceAccount;
        const issued = deps.tokens.issue({ clientEmail: account.clientEmail, project: account.project, scopes: claims.scopes });
        return { status: 200, body: { access_token: issued.token, expires_in: issued.expiresInS, token_type: 'Bearer' }, headers: { ...NO_STORE } };
      } catch (err) {
        if (err instanceof GoogleOAuthError) return err.toResponse();
        throw err;
      }
    },
  };
}

async function verifiedClaims(assertion: string, deps: TokenEndpointDeps, req: Pick<RouteRequest, 'headers'>): Promise<JWTPayload & { scopes: string[] }> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    throw new GoogleOAuthError('invalid_grant', M.notAJwt);
  }
  const account = typeof claims.iss === 'string' ? deps.accounts.get(claims.iss) : undefined;
  if (account === undefined) throw new GoogleOAuthError('invalid_grant', M.accountNotFound);
  if (header.alg !== 'RS256' || (header.kid !== undefined && header.kid !== account.privateKeyId)) throw new GoogleOAuthError('invalid_grant', M.badSignature);
  try {
    await compactVerify(assertion, account.publicKey, { algorithms: ['RS256'] });
  } catch {
    throw new GoogleOAuthError('invalid_grant', M.badSignature);
  }

  const { iat, exp } = claims;
  if (typeof exp !== 'number') throw new GoogleOAuthError('invalid_grant', M.expNotSet);
  if (typeof iat !== 'number') throw new GoogleOAuthError('invalid_grant', M.iatNotSet);
  const now = deps.clock() / 1000;
  if (exp <= iat || exp - iat > MAX_ASSERTION_LIFETIME_S || iat > now + SKEW_S || exp < now - SKEW_S) {
    throw new GoogleOAuthError('invalid_grant', M.timeframe);
  }

  const audiences = deps.audiences(req);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && audiences.includes(a))) throw new GoogleOAuthError('invalid_grant', M.audience(audiences[0] ?? TOKEN_PATH));

  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter((s) => s.length > 0) : [];
  if (scopes.length === 0) throw new GoogleOAuthError('invalid_scope', M.scope);
  for (const scope of scopes) if (!/^https:\/\/www\.googleapis\.com\/auth\/[a-z0-9._-]+$/i.test(scope)) throw new GoogleOAuthError('invalid_scope', M.scope);
  return { ...claims, scopes };
}
