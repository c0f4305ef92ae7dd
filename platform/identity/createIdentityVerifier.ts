import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { BoundedMap } from '../store/BoundedMap.js';
import { IdentityError } from './IdentityError.js';
import type { Viewer } from './Viewer.js';
import {
  GATEWAY_IDENTITY_ALG,
  GATEWAY_IDENTITY_ISSUER,
  GATEWAY_IDENTITY_TTL_S,
  GATEWAY_IDENTITY_TYP,
  parseIdentityJwks,
} from './gatewayIdentity.js';

export interface IdentityVerifier {
  /** The viewer the gateway vouches for (null = anonymous); throws an IdentityError for anything untrustworthy. */
  verify(token: string): Promise<Viewer | null>;
}

export interface IdentityVerifierOptions {
  /** The gateway's public keys (`GATEWAY_IDENTITY_JWKS`); several during a key rotation. */
  readonly jwks: string | JSONWebKeySet;
  /** This subgraph's name: tokens for another subgraph are refused. */
  readonly audience: string;
  /** Allowed clock difference between gateway and subgraph hosts (s). Default 5. */
  readonly clockToleranceS?: number;
  /** For tests: the clock (epoch ms). */
  readonly now?: () => number;
}

/**
 * Verifies `x-gateway-identity` in a subgraph against the gateway's public keys, held in
 * memory (no network): ES256 only, issuer, this subgraph as audience, `typ`, not expired,
 * not older than its 60 s lifetime.
 */
export function createIdentityVerifier(options: IdentityVerifierOptions): IdentityVerifier {
  const keys = createLocalJWKSet(parseIdentityJwks(options.jwks));
  const clockTolerance = options.clockToleranceS ?? 5;
  const now = options.now ?? Date.now;
  // The gateway reuses one token per (viewer, subgraph) for a while, so the same string
  // arrives again and again: remember good verdicts until the token's own end of life
  // instead of paying an ES256 verification per request (bench). Only successes are kept.
  const verified = new BoundedMap<string, { viewer: Viewer | null; validUntilMs: number }>(10_000);

  async function verifyNow(token: string): Promise<{ viewer: Viewer | null; validUntilMs: number }> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: [GATEWAY_IDENTITY_ALG],
        issuer: GATEWAY_IDENTITY_ISSUER,
        audience: options.audience,
        typ: GATEWAY_IDENTITY_TYP,
        requiredClaims: ['iat', 'exp', 'jti'],
        maxTokenAge: GATEWAY_IDENTITY_TTL_S,
        clockTolerance,
        ...(options.now ? { currentDate: new Date(options.now()) } : {}),
      }));
    } catch (err) {
      throw new IdentityError(reasonOf(err), { cause: err });
    }
    const validUntilMs = Math.min(payload.exp!, payload.iat! + GATEWAY_IDENTITY_TTL_S) * 1000;
    if (payload.sub === undefined) return { viewer: null, validUntilMs };
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new IdentityError('"sub" is not a non-empty string');
    if (payload.scope !== undefined && typeof payload.scope !== 'string') throw new IdentityError('"scope" is not a string');
    return { viewer: { userId: payload.sub, scopes: splitScopes(payload.scope) }, validUntilMs };
  }

  return {
    async verify(token) {
      const known = verified.get(token);
      if (known && now() < known.validUntilMs) return known.viewer;
      const result = await verifyNow(token);
      verified.set(token, result);
      return result.viewer;
    },
  };
}

function splitScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((s) => s !== '');
}

function reasonOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim "${err.claim}" is invalid (${err.reason})`;
  if (err instanceof errors.JOSEAlgNotAllowed) return `not signed with ${GATEWAY_IDENTITY_ALG}`;
  if (err instanceof errors.JWKSNoMatchingKey) return 'signed with an unknown key';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed';
  return 'invalid';
}
