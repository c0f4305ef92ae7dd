import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { Viewer } from '../../../platform/identity/Viewer.js';
import { createIssuerKeySet } from './createIssuerKeySet.js';
import { InvalidTokenError } from './InvalidTokenError.js';
import { KeySetUnavailableError } from './KeySetUnavailableError.js';

export interface TokenVerifierOptions {
  /** Must equal the token's `iss`. */
  readonly issuer: string;
  /** Must be in the token's `aud`. */
  readonly audience: string;
  readonly jwksUrl: string;
  /** Accepted `alg`s (asymmetric only; config refuses none and HS*). */
  readonly algorithms: readonly string[];
  /** Tolerance on `exp`/`nbf` (s). */
  readonly clockToleranceS: number;
  /** Least time between two refetches caused by the same unknown `kid` (ms). */
  readonly jwksCooldownMs: number;
  /** Refetches for unknown kids, all together, per minute. Default 10. */
  readonly jwksUnknownKidFetchesPerMinute?: number;
  /** For tests: the key set's clock (epoch ms). */
  readonly now?: () => number;
  /** Keys are refetched when older than this (ms). */
  readonly jwksMaxAgeMs: number;
  /** While the issuer cannot be reached, keys past their max age are still used this long (ms). */
  readonly jwksMaxStaleMs: number;
  /** Told when stale keys are used (the issuer is unreachable). */
  readonly onStaleKeys?: (err: unknown, ageMs: number) => void;
  /** Budget of one JWKS fetch (ms). Default 2000. */
  readonly jwksTimeoutMs?: number;
}

export interface TokenVerifier {
  /** The viewer the token names; throws InvalidTokenError (401) or KeySetUnavailableError (503). */
  verify(token: string): Promise<Viewer>;
}

/**
 * Verifies OAuth 2.0 access tokens (JWTs) against the issuer's JWKS with jose. The key
 * set is fetched on first use, kept `jwksMaxAgeMs`, and refetched when a token names a
 * `kid` it does not have (the same kid at most once per `jwksCooldownMs`, all kids within
 * `jwksUnknownKidFetchesPerMinute`): a key the issuer rotates in works at once, and a
 * stream of made-up kids cannot flood the issuer. While
 * the issuer is unreachable, known keys keep working for `jwksMaxStaleMs`.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const jwks = createIssuerKeySet({
    jwksUrl: options.jwksUrl,
    maxAgeMs: options.jwksMaxAgeMs,
    maxStaleMs: options.jwksMaxStaleMs,
    cooldownMs: options.jwksCooldownMs,
    unknownKidFetchesPerMinute: options.jwksUnknownKidFetchesPerMinute ?? 10,
    now: options.now,
    timeoutMs: options.jwksTimeoutMs ?? 2_000,
    onStale: options.onStaleKeys,
  });
  const algorithms = [...options.algorithms];

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms,
          clockTolerance: options.clockToleranceS,
          // A token that never expires is not an access token we accept.
          requiredClaims: ['exp'],
        }));
      } catch (err) {
        const description = describe(err);
        if (description === undefined) throw new KeySetUnavailableError(options.jwksUrl, { cause: err });
        throw new InvalidTokenError(description, { cause: err });
      }
      if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('The access token names no subject');
      return { userId: payload.sub, scopes: scopesOf(payload) };
    },
  };
}

/** RFC 6749 §3.3 scope-token: what one scope may be (no spaces, quotes or backslashes). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * `scope` (RFC 8693/9068: space-separated); some providers use an `scp` array instead.
 * Array elements that are not scope tokens are dropped: "a b" would otherwise become two
 * scopes once the scopes are joined with spaces for the subgraphs.
 */
function scopesOf(payload: JWTPayload): string[] {
  const { scope, scp } = payload as { scope?: unknown; scp?: unknown };
  if (typeof scope === 'string') return scope.split(' ').filter((s) => SCOPE_TOKEN.test(s));
  if (Array.isArray(scp)) return scp.filter((s): s is string => typeof s === 'string' && SCOPE_TOKEN.test(s));
  return [];
}

/** What is wrong with the token, or undefined when it is not the token's fault (the key set could not be had). */
function describe(err: unknown): string | undefined {
  if (err instanceof errors.JWTExpired) return 'The access token expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'nbf':
        return 'The access token is not valid yet';
      case 'iss':
        return 'The access token is from another issuer';
      case 'aud':
        return 'The access token is not for this API';
      default:
        return `The access token has an invalid ${err.claim} claim`;
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'The access token is signed with an algorithm that is not accepted';
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return 'The access token is signed with an unknown key';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'The access token signature is invalid';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported) return 'The access token is malformed';
  // A JWKS fetch that timed out (TimeoutError), failed (TypeError), answered non-200 or not a key set (JOSEError, JWKSInvalid).
  return undefined;
}
