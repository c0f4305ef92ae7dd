import type { Logger } from '../log/createLogger.js';
import type { Authenticate } from '../http/createHttpHandler.js';
import { HttpRefusal } from '../http/HttpRefusal.js';
import type { IdentityVerifier } from './createIdentityVerifier.js';
import { GATEWAY_IDENTITY_HEADER } from './gatewayIdentity.js';
import { IdentityError } from './IdentityError.js';

/**
 * A subgraph's `authenticate` hook: the viewer is whoever the gateway's signed
 * `x-gateway-identity` says, and nothing else a caller sends is believed.
 *
 * - with a verifier (GATEWAY_IDENTITY_JWKS set): no token or an invalid one → 401;
 * - without (development only): no token → anonymous; a token → 401, since it cannot be
 *   checked and silently treating it as anonymous would hide a misconfiguration.
 */
export function gatewayIdentityAuthenticator(options: { verifier: IdentityVerifier | undefined; logger: Logger }): Authenticate {
  const { verifier, logger } = options;
  const refuse = (requestId: string, reason: string, message: string): never => {
    logger.warn({ requestId, reason }, 'request refused: no valid gateway identity');
    throw new HttpRefusal(401, 'UNAUTHENTICATED', message);
  };

  return async ({ req, requestId }) => {
    const header = req.headers[GATEWAY_IDENTITY_HEADER];
    const token = typeof header === 'string' && header !== '' ? header : undefined;
    if (verifier === undefined) {
      if (token === undefined) return null;
      return refuse(requestId, 'no GATEWAY_IDENTITY_JWKS configured', `This service cannot verify ${GATEWAY_IDENTITY_HEADER} (it has no GATEWAY_IDENTITY_JWKS).`);
    }
    if (token === undefined) return refuse(requestId, 'missing', `Missing ${GATEWAY_IDENTITY_HEADER}: this service only answers the gateway.`);
    try {
      return await verifier.verify(token);
    } catch (err) {
      if (!(err instanceof IdentityError)) throw err;
      return refuse(requestId, err.reason, `Invalid ${GATEWAY_IDENTITY_HEADER}: ${err.reason}.`);
    }
  };
}
