import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { Viewer } from './Viewer.js';
import {
  GATEWAY_IDENTITY_ALG,
  GATEWAY_IDENTITY_ISSUER,
  GATEWAY_IDENTITY_TTL_S,
  GATEWAY_IDENTITY_TYP,
  parseIdentityPrivateJwk,
} from './gatewayIdentity.js';

export interface IdentityClaimsInput {
  /** The verified caller; null signs an anonymous identity (no `sub`). */
  readonly viewer: Viewer | null;
  /** The subgraph the token is for (its name in the supergraph); no other subgraph accepts it. */
  readonly audience: string;
  /**
   * Goes in `rid` when given. The gateway leaves it out so that one token per caller and
   * subgraph can be reused for many requests (the request id travels in `x-request-id`).
   */
  readonly requestId?: string;
}

export interface IdentitySigner {
  /** Imports the key; rejects when it is unusable. Call at start-up to fail early. */
  ready(): Promise<void>;
  /** A compact JWS for `x-gateway-identity`, valid `GATEWAY_IDENTITY_TTL_S` seconds. */
  sign(input: IdentityClaimsInput): Promise<string>;
}

export interface IdentitySignerOptions {
  /** A private ES256 JWK with a `kid`, as JSON (`GATEWAY_IDENTITY_PRIVATE_KEY`). */
  readonly privateJwk: string;
  /** For tests: the clock (epoch ms). */
  readonly now?: () => number;
}

/**
 * Signs the identity the gateway forwards to subgraphs: ES256 with the key's `kid`,
 * `iss` mobile-graph-gateway, `aud` the subgraph, `iat`/`exp` (60 s), `jti`, `rid` if given, and
 * `sub` + `scope` when someone is signed in. The key is imported once.
 */
export function createIdentitySigner(options: IdentitySignerOptions): IdentitySigner {
  const jwk = parseIdentityPrivateJwk(options.privateJwk);
  const kid = jwk.kid as string;
  const now = options.now ?? Date.now;
  let key: Promise<CryptoKey | Uint8Array> | undefined;
  const importKey = () => (key ??= importJWK(jwk, GATEWAY_IDENTITY_ALG));

  return {
    async ready() {
      await importKey();
    },
    async sign({ viewer, audience, requestId }) {
      const iat = Math.floor(now() / 1000);
      const claims: JWTPayload = requestId === undefined ? {} : { rid: requestId };
      if (viewer) {
        claims.sub = viewer.userId;
        claims.scope = viewer.scopes.join(' ');
      }
      return new SignJWT(claims)
        .setProtectedHeader({ alg: GATEWAY_IDENTITY_ALG, kid, typ: GATEWAY_IDENTITY_TYP })
        .setIssuer(GATEWAY_IDENTITY_ISSUER)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + GATEWAY_IDENTITY_TTL_S)
        .setJti(randomUUID())
        .sign(await importKey());
    },
  };
}
