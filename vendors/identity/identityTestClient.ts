import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyResult } from 'jose';
import type { RunningVendor } from '../sandbox/types.js';
import { vendorFetch } from '../sandbox/vendorFetch.js';
import { ACCOUNTS_CLIENT_ID, DEFAULT_ACCOUNTS_CLIENT_SECRET, MOBILE_APP_CLIENT_ID, MOBILE_APP_REDIRECT_URI } from './oidc/clients.js';
import { s256Challenge } from './oidc/pkce.js';

/**
 * What a mobile app or the accounts service does against IdentiCo, over real HTTP: for
 * tests (this package's and cross-service ones) that need users and tokens.
 */

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

type Vendor = Pick<RunningVendor, 'url' | 'authHeaders'>;

/** `POST /oauth/token` with a form body (or JSON with `{ json: true }`). */
export function tokenRequest(vendor: Pick<RunningVendor, 'url'>, params: Record<string, string>, init: { headers?: Record<string, string>; json?: boolean } = {}): Promise<Response> {
  return fetch(`${vendor.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': init.json ? 'application/json' : 'application/x-www-form-urlencoded', ...init.headers },
    body: init.json ? JSON.stringify(params) : new URLSearchParams(params),
  });
}

let counter = 0;
/** An email no other test uses. */
export const uniqueEmail = (prefix = 'user'): string => `${prefix}.${Date.now().toString(36)}.${++counter}.${randomBytes(3).toString('hex')}@example.com`;

/** Signs a user up (server to server, with the vendor key); throws unless 201. */
export async function signUp(vendor: Vendor, user: { email: string; password: string; name: string }): Promise<{ user_id: string; email: string; name: string; picture: null }> {
  const res = await vendorFetch(vendor, '/dbconnections/signup', { method: 'POST', body: JSON.stringify(user) });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { user_id: string; email: string; name: string; picture: null };
}

/** The accounts service's password grant; throws unless 200. */
export async function passwordSignIn(
  vendor: Pick<RunningVendor, 'url'>,
  credentials: { username: string; password: string; scope?: string; clientSecret?: string },
): Promise<TokenResponse> {
  const params: Record<string, string> = {
    grant_type: 'password',
    username: credentials.username,
    password: credentials.password,
    client_id: ACCOUNTS_CLIENT_ID,
    client_secret: credentials.clientSecret ?? DEFAULT_ACCOUNTS_CLIENT_SECRET,
  };
  if (credentials.scope !== undefined) params.scope = credentials.scope;
  const res = await tokenRequest(vendor, params);
  if (res.status !== 200) throw new Error(`password grant failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as TokenResponse;
}

/** A fresh PKCE verifier (43 characters) and its S256 challenge. */
export function newPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier) };
}

/** The query of an authorization request by the mobile app. */
export function authorizeQuery(opts: { challenge?: string; redirectUri?: string; scope?: string; state?: string; nonce?: string; clientId?: string }): URLSearchParams {
  const q = new URLSearchParams({ response_type: 'code', client_id: opts.clientId ?? MOBILE_APP_CLIENT_ID, redirect_uri: opts.redirectUri ?? MOBILE_APP_REDIRECT_URI });
  for (const [name, value] of [['scope', opts.scope], ['state', opts.state], ['nonce', opts.nonce]] as const) if (value !== undefined) q.set(name, value);
  if (opts.challenge !== undefined) {
    q.set('code_challenge', opts.challenge);
    q.set('code_challenge_method', 'S256');
  }
  return q;
}

/** Posts the login form the way a browser would (the form's fields plus credentials), not following the redirect. */
export function postLogin(vendor: Pick<RunningVendor, 'url'>, query: URLSearchParams, credentials: { email: string; password: string }): Promise<Response> {
  const form = new URLSearchParams(query);
  form.set('email', credentials.email);
  form.set('password', credentials.password);
  return fetch(`${vendor.url}/authorize`, { method: 'POST', body: form, redirect: 'manual' });
}

/** Signs in through the login form and returns the redirect's code and state; throws unless 302 with a code. */
export async function authorizeCode(
  vendor: Pick<RunningVendor, 'url'>,
  opts: Parameters<typeof authorizeQuery>[0] & { email: string; password: string },
): Promise<{ code: string; state: string | null; location: string }> {
  const res = await postLogin(vendor, authorizeQuery(opts), opts);
  const location = res.headers.get('location');
  const code = location === null ? null : new URL(location).searchParams.get('code');
  if (res.status !== 302 || location === null || code === null) throw new Error(`sign-in failed: ${res.status} ${location ?? ''}`);
  return { code, state: new URL(location).searchParams.get('state'), location };
}

/** Fetches the JWKS the vendor serves now and verifies `token` against it (issuer and audience checked). */
export async function verifyWithServedJwks(
  vendor: Pick<RunningVendor, 'url'>,
  token: string,
  expected: { issuer: string; audience: string },
): Promise<JWTVerifyResult<JWTPayload>> {
  const jwks = (await (await fetch(`${vendor.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  return jwtVerify(token, createLocalJWKSet(jwks), { issuer: expected.issuer, audience: expected.audience, algorithms: ['RS256'] });
}
