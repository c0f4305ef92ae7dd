import type { RouteResponse } from '../sandbox/types.js';

export type GoogleOAuthErrorCode = 'invalid_request' | 'invalid_grant' | 'invalid_scope' | 'unsupported_grant_type';

/** Token answers are never cached (RFC 6749 §5.1), errors included. */
export const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store', pragma: 'no-cache' });

/** A refusal of Google's token endpoint: 400 `{ error, error_description }` (RFC 6749 §5.2). */
export class GoogleOAuthError extends Error {
  constructor(
    readonly code: GoogleOAuthErrorCode,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
    this.name = 'GoogleOAuthError';
  }

  toResponse(): RouteResponse {
    return { status: 400, body: { error: this.code, error_description: this.description }, headers: { ...NO_STORE } };
  }
}

/** Google's own wording, so that clients and logs see what they would see in production. */
export const GOOGLE_OAUTH_MESSAGES = Object.freeze({
  badSignature: 'Invalid JWT Signature.',
  notAJwt: 'Invalid JWT: the assertion is not a signed JWT (header.payload.signature).',
  accountNotFound: 'Invalid grant: account not found',
  timeframe: 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
  expNotSet: 'Invalid JWT: exp (expiration time) is not set.',
  iatNotSet: 'Invalid JWT: iat (issued at time) is not set.',
  audience: (right: string) => `Invalid JWT: Failed audience check. The right audience is ${right}`,
  scope: 'Invalid OAuth scope or ID token audience provided.',
});
