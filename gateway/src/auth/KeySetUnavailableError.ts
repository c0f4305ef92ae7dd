/**
 * The issuer's JWKS could not be fetched (down, timed out, not a JWKS): tokens cannot be
 * checked right now. Our problem, not the client's: the answer is 503, not 401.
 */
export class KeySetUnavailableError extends Error {
  constructor(jwksUrl: string, options: { cause?: unknown } = {}) {
    super(`JWKS unavailable at ${jwksUrl}`, { cause: options.cause });
    this.name = 'KeySetUnavailableError';
  }
}
