import type { RouteResponse } from '../../sandbox/types.js';

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_response_type'
  | 'access_denied';

/** Token answers must never be cached (RFC 6749 §5.1), errors included. */
export const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store', pragma: 'no-cache' });

/**
 * A refusal in OAuth's own shape (RFC 6749 §5.2), not the vendor's branded error body:
 * OAuth client libraries read `error` and `error_description`.
 */
export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
  }

  /** 401 for client authentication failures, 400 for everything else. */
  get status(): number {
    return this.code === 'invalid_client' ? 401 : 400;
  }

  toResponse(): RouteResponse {
    return {
      status: this.status,
      body: { error: this.code, error_description: this.description },
      headers: { ...NO_STORE, ...this.headers },
    };
  }
}
