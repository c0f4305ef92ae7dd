import type { ClientRegistry, OAuthClient } from './clients.js';
import type { OAuthErrorCode } from './oauthErrors.js';
import { isS256Challenge } from './pkce.js';
import { DEFAULT_SCOPES, grantScopes, type Scope } from './scopes.js';

/** The parameters the login form carries from GET /authorize to POST /authorize. */
export const AUTHORIZE_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce'] as const;

export interface AuthorizeRequest {
  readonly client: OAuthClient;
  readonly redirectUri: string;
  readonly scopes: readonly Scope[];
  readonly state: string | null;
  readonly codeChallenge: string | null;
  readonly nonce: string | null;
  /** AUTHORIZE_PARAMS as received, for the form's hidden fields. */
  readonly carried: ReadonlyArray<readonly [string, string]>;
}

export type AuthorizeCheck =
  | { kind: 'ok'; request: AuthorizeRequest }
  /** The client or redirect URI cannot be trusted: show the error, never redirect (RFC 6749 §4.1.2.1). */
  | { kind: 'page'; message: string }
  | { kind: 'redirect'; location: string };

/** `redirectUri` with `params` added to its query (works for custom schemes like `com.example.shop:/cb` too). */
export function withQuery(redirectUri: string, params: Record<string, string | null>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value);
  return url.toString();
}

/** Validates an authorization request (RFC 6749 §4.1.1 + RFC 7636), in the order the RFC needs. */
export function checkAuthorizeRequest(entries: Iterable<[string, string]>, clients: ClientRegistry): AuthorizeCheck {
  const params = new Map<string, string>();
  const repeated = new Set<string>();
  for (const [name, value] of entries) {
    if (params.has(name)) repeated.add(name);
    // RFC 6749 §3.1: a parameter without a value is treated as omitted.
    else if (value !== '') params.set(name, value);
  }
  if (repeated.has('client_id') || repeated.has('redirect_uri')) return { kind: 'page', message: 'client_id and redirect_uri must be given once.' };
  const clientId = params.get('client_id');
  if (clientId === undefined) return { kind: 'page', message: 'Missing client_id.' };
  const client = clients.get(clientId);
  if (client === undefined) return { kind: 'page', message: `Unknown client ${JSON.stringify(clientId.slice(0, 100))}.` };
  const redirectUri = params.get('redirect_uri');
  if (redirectUri === undefined) return { kind: 'page', message: 'Missing redirect_uri.' };
  if (!clients.redirectAllowed(client, redirectUri)) return { kind: 'page', message: 'redirect_uri is not registered for this client.' };

  const state = params.get('state') ?? null;
  const fail = (error: OAuthErrorCode, description: string): AuthorizeCheck => ({
    kind: 'redirect',
    location: withQuery(redirectUri, { error, error_description: description, state }),
  });
  if (repeated.size > 0) return fail('invalid_request', `Parameters must not be repeated: ${[...repeated].join(', ').slice(0, 200)}.`);
  const responseType = params.get('response_type');
  if (responseType === undefined) return fail('invalid_request', 'Missing required parameter: response_type.');
  if (responseType !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
  if (!client.grantTypes.includes('authorization_code')) return fail('unauthorized_client', 'This client may not use the authorization code flow.');
  const scopes = grantScopes(params.get('scope'), client.scopes, DEFAULT_SCOPES);
  if (!scopes.ok) return fail('invalid_scope', scopes.description);

  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (challenge === undefined) {
    if (client.requirePkce) return fail('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256.');
    if (method !== undefined) return fail('invalid_request', 'code_challenge_method without code_challenge.');
  } else {
    // A missing method means "plain" (RFC 7636 §4.3), which leaks the verifier; only S256 is accepted.
    if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256.');
    if (!isS256Challenge(challenge)) return fail('invalid_request', 'code_challenge must be a base64url SHA-256 (43 characters).');
  }

  return {
    kind: 'ok',
    request: {
      client,
      redirectUri,
      scopes: scopes.scopes,
      state,
      codeChallenge: challenge ?? null,
      nonce: params.get('nonce') ?? null,
      carried: AUTHORIZE_PARAMS.flatMap((name) => {
        const value = params.get(name);
        return value === undefined ? [] : [[name, value] as const];
      }),
    },
  };
}
