import { createIdentitySigner, type IdentitySigner } from '../../../subgraphs/kit/auth/createIdentitySigner.js';
import { generateIdentityKeys } from '../../../subgraphs/kit/auth/generateIdentityKeys.js';
import type { Logger } from '../../../subgraphs/kit/log/createLogger.js';

/**
 * The signer of the identity forwarded to subgraphs: the configured key, or (outside
 * production, where config requires a key) an ephemeral one made at start-up, which no
 * subgraph accepts: one with GATEWAY_IDENTITY_JWKS cannot verify it, and one without
 * refuses any identity it cannot check. The gateway starts; every subgraph fetch fails.
 */
export function createGatewayIdentitySigner(privateJwk: string | undefined, logger: Logger): IdentitySigner {
  if (privateJwk !== undefined) return createIdentitySigner({ privateJwk });
  logger.warn(
    'GATEWAY_IDENTITY_PRIVATE_KEY is not set: signing the identity sent to subgraphs with an ephemeral key that subgraphs cannot verify. ' +
      'Run `npm run keys:identity` and set GATEWAY_IDENTITY_PRIVATE_KEY here and GATEWAY_IDENTITY_JWKS on every subgraph.',
  );
  let signer: Promise<IdentitySigner> | undefined;
  const ephemeral = () => (signer ??= generateIdentityKeys().then((keys) => createIdentitySigner({ privateJwk: keys.privateJwk })));
  return {
    async ready() {
      await (await ephemeral()).ready();
    },
    async sign(input) {
      return (await ephemeral()).sign(input);
    },
  };
}
