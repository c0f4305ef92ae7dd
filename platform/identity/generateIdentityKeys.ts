import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { GATEWAY_IDENTITY_ALG } from './gatewayIdentity.js';

export interface IdentityKeys {
  /** The gateway's `GATEWAY_IDENTITY_PRIVATE_KEY`: a private JWK as JSON. Secret. */
  readonly privateJwk: string;
  /** Every subgraph's `GATEWAY_IDENTITY_JWKS`: `{"keys":[<public JWK>]}` as JSON. */
  readonly publicJwks: string;
}

/**
 * A fresh ES256 key pair for the gateway identity, `kid` = the key's RFC 7638 thumbprint.
 * For development, tests and `npm run keys:identity`; production keys come from a secret store.
 */
export async function generateIdentityKeys(): Promise<IdentityKeys> {
  const { publicKey, privateKey } = await generateKeyPair(GATEWAY_IDENTITY_ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const meta = { kid, alg: GATEWAY_IDENTITY_ALG, use: 'sig' };
  return {
    privateJwk: JSON.stringify({ ...(await exportJWK(privateKey)), ...meta }),
    publicJwks: JSON.stringify({ keys: [{ ...publicJwk, ...meta }] }),
  };
}
