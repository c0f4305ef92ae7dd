import type { Logger } from '../../../platform/log/createLogger.js';
import type { Authenticate } from '../../../platform/http/createHttpHandler.js';
import { HttpRefusal } from '../../../platform/http/HttpRefusal.js';
import type { TokenVerifier } from './createTokenVerifier.js';
import { InvalidTokenError } from './InvalidTokenError.js';
import { KeySetUnavailableError } from './KeySetUnavailableError.js';

const AUTH_REALM = 'mobile-graph';

// RFC 6750 §2.1: "Bearer" (any case), one or more spaces, a token68.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The gateway's `authenticate` hook (once per HTTP request, before Apollo):
 * - no `Authorization` header → anonymous;
 * - `Bearer <valid token>` → the token's viewer;
 * - anything else (another scheme, no token, a token that fails verification) → 401 with
 *   `WWW-Authenticate: Bearer realm=…, error="invalid_token", error_description=…`;
 * - the issuer's keys cannot be fetched → 503 SERVICE_UNAVAILABLE (not the client's fault).
 * The token is never logged nor echoed.
 */
export function createBearerAuthenticator(options: { verifier: TokenVerifier; logger: Logger }): Authenticate {
  const { verifier, logger } = options;
  return async ({ req, requestId }) => {
    const header = req.headers.authorization;
    if (header === undefined) return null;
    const token = BEARER.exec(header.trim())?.[1];
    try {
      if (token === undefined) throw new InvalidTokenError('The Authorization header is not a Bearer token');
      return await verifier.verify(token);
    } catch (err) {
      if (err instanceof InvalidTokenError) {
        logger.info({ requestId, reason: err.description }, 'access token refused');
        throw new HttpRefusal(401, 'UNAUTHENTICATED', `${err.description}.`, {
          // A quoted-string: no quote or backslash may end it early.
          'www-authenticate': `Bearer realm="${AUTH_REALM}", error="invalid_token", error_description="${err.description.replace(/["\\]/g, "'")}"`,
        });
      }
      if (err instanceof KeySetUnavailableError) {
        logger.error({ requestId, err }, 'cannot verify access tokens: the issuer keys (JWKS) are unavailable');
        throw new HttpRefusal(503, 'SERVICE_UNAVAILABLE', 'Sign-in cannot be checked right now. Try again shortly.', { 'retry-after': '1' });
      }
      throw err;
    }
  };
}
