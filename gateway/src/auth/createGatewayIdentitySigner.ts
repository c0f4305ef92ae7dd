import { createIdentitySigner, type IdentitySigner } from '../../../platform/identity/createIdentitySigner.js';
import type { Logger } from '../../../platform/log/createLogger.js';

/**
 * The signer of the identity forwarded to subgraphs, or null when no key is configured
 * (outside production only: config requires one there). Without a key the gateway sends
 * no identity at all, so subgraphs running without GATEWAY_IDENTITY_JWKS (a developer's
 * laptop) serve everyone as anonymous, and subgraphs with one refuse, as they must.
 */
export function createGatewayIdentitySigner(privateJwk: string | undefined, logger: Logger): IdentitySigner | null {
  if (privateJwk !== undefined) return createIdentitySigner({ privateJwk });
  logger.warn(
    'GATEWAY_IDENTITY_PRIVATE_KEY is not set: no identity is forwarded, so subgraphs see every request as anonymous ' +
      '(and subgraphs with GATEWAY_IDENTITY_JWKS refuse them). Run `npm run keys:identity` and set GATEWAY_IDENTITY_PRIVATE_KEY here ' +
      'and GATEWAY_IDENTITY_JWKS on every subgraph.',
  );
  return null;
}
