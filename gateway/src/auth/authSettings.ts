import { issuerVendorEntry } from '../../../platform/registry/services.js';
import type { ConfigOf } from '../../../platform/config/parseConfig.js';
import { int, string, type ParseResult, type Setting } from '../../../platform/config/setting.js';
import { identityPrivateKeySetting } from '../../../platform/identity/identitySettings.js';
import { isHttpUrl } from '../isHttpUrl.js';

/** Asymmetric JWS algorithms: the gateway holds only public keys, so it can verify tokens but never mint one. */
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/**
 * An absolute http(s) URL kept exactly as written: an issuer is compared character for
 * character with the token's `iss`, trailing slash included (some providers have one).
 */
function httpUrl<D extends string | undefined>(env: string, opts: { description: string; default: D; defaultText?: string }): Setting<string | D> {
  return {
    env,
    description: opts.description,
    defaultText: opts.defaultText ?? opts.default,
    secret: false,
    parse(raw): ParseResult<string | D> {
      if (raw === undefined || raw.trim() === '') return { ok: true, value: opts.default };
      const value = raw.trim();
      return isHttpUrl(value) ? { ok: true, value } : { ok: false, expected: 'an absolute http(s) URL' };
    },
  };
}

function algorithmList(env: string, opts: { description: string; default: readonly string[] }): Setting<readonly string[]> {
  const allowed: readonly string[] = ASYMMETRIC_ALGORITHMS;
  const expected = `a comma-separated list of asymmetric JWS algorithms (${allowed.join(', ')})`;
  return {
    env,
    description: opts.description,
    defaultText: opts.default.join(','),
    secret: false,
    parse(raw): ParseResult<readonly string[]> {
      if (raw === undefined || raw.trim() === '') return { ok: true, value: Object.freeze([...opts.default]) };
      const names = raw.split(',').map((n) => n.trim()).filter((n) => n !== '');
      const unsafe = names.filter((n) => n.toLowerCase() === 'none' || /^HS\d+$/i.test(n));
      if (unsafe.length > 0) {
        return {
          ok: false,
          expected: `${expected}; ${unsafe.map((n) => `"${n}"`).join(', ')} refused: "none" accepts unsigned tokens and HS* (a shared secret) would let whoever can verify a token also forge one`,
        };
      }
      const unknown = names.filter((n) => !allowed.includes(n));
      if (names.length === 0 || unknown.length > 0) {
        return { ok: false, expected: unknown.length > 0 ? `${expected} (unknown: ${unknown.join(', ')})` : expected };
      }
      return { ok: true, value: Object.freeze([...new Set(names)]) };
    },
  };
}

// The sandbox's issuer vendor on this machine, so a laptop needs no configuration.
const DEFAULT_ISSUER = `http://127.0.0.1:${issuerVendorEntry()?.port ?? 4103}`;

/** Where the access tokens of mobile clients come from, and how they are checked. Part of `gatewaySettings`. */
export const authSettings = {
  authIssuer: httpUrl('AUTH_ISSUER', {
    default: DEFAULT_ISSUER,
    description: 'OAuth 2.0 / OIDC issuer of access tokens: must equal their `iss` exactly (the sandbox identity vendor by default).',
  }),
  authAudience: string('AUTH_AUDIENCE', {
    default: 'mobile-graph',
    description: 'Audience an access token must name in `aud` (the API identifier registered at the identity provider).',
  }),
  authJwksUrl: httpUrl('AUTH_JWKS_URL', {
    default: undefined,
    defaultText: 'AUTH_ISSUER + /.well-known/jwks.json',
    description: "URL of the issuer's public signing keys (JWKS); see the provider's discovery document (`jwks_uri`).",
  }),
  authAlgorithms: algorithmList('AUTH_ALGORITHMS', {
    default: ['RS256', 'ES256'],
    description: 'Signature algorithms accepted on access tokens, comma-separated; none and HS* are refused.',
  }),
  authClockSkewS: int('AUTH_CLOCK_SKEW_S', {
    default: 30,
    min: 0,
    max: 300,
    unit: 's',
    description: 'Clock difference tolerated when checking `exp` and `nbf` of access tokens.',
  }),
  authJwksCooldownMs: int('AUTH_JWKS_COOLDOWN_MS', {
    default: 30_000,
    min: 0,
    max: 3_600_000,
    unit: 'ms',
    description: 'Least time between two JWKS refetches triggered by the same unknown `kid`; another kid (a key rotation) is fetched at once, within AUTH_JWKS_UNKNOWN_KID_FETCHES_PER_MIN.',
  }),
  authJwksUnknownKidFetchesPerMin: int('AUTH_JWKS_UNKNOWN_KID_FETCHES_PER_MIN', {
    default: 10,
    min: 1,
    max: 600,
    unit: 'fetches per minute',
    description: 'JWKS refetches that tokens with unknown kids may trigger, all kids together (a burst of this many, then evenly), so made-up kids cannot flood the issuer.',
  }),
  authJwksMaxAgeMs: int('AUTH_JWKS_MAX_AGE_MS', {
    default: 600_000,
    min: 1_000,
    max: 86_400_000,
    unit: 'ms',
    description: 'How long fetched JWKS keys are used before they are fetched again (a key removed at the issuer stops working after this).',
  }),
  authJwksMaxStaleMs: int('AUTH_JWKS_MAX_STALE_MS', {
    default: 3_600_000,
    min: 0,
    max: 86_400_000,
    unit: 'ms',
    description:
      'While the issuer cannot be reached, JWKS keys past their max age are still used this long, so an identity provider outage does not sign everyone out. 0 = never.',
  }),
  identityPrivateKey: identityPrivateKeySetting(),
};

export interface AuthConfig {
  readonly authIssuer: string;
  readonly authAudience: string;
  readonly authJwksUrl: string;
  readonly authAlgorithms: readonly string[];
  /** s */
  readonly authClockSkewS: number;
  /** ms */
  readonly authJwksCooldownMs: number;
  /** fetches per minute */
  readonly authJwksUnknownKidFetchesPerMin: number;
  /** ms */
  readonly authJwksMaxAgeMs: number;
  /** ms */
  readonly authJwksMaxStaleMs: number;
  /** Private JWK (JSON); undefined = forward no identity (never in production). */
  readonly identityPrivateKey: string | undefined;
}

/** The parsed auth settings with the JWKS URL's default (derived from the issuer) filled in. */
export function resolveAuthConfig(parsed: ConfigOf<typeof authSettings>): AuthConfig {
  return {
    authIssuer: parsed.authIssuer,
    authAudience: parsed.authAudience,
    authJwksUrl: parsed.authJwksUrl ?? `${parsed.authIssuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
    authAlgorithms: parsed.authAlgorithms,
    authClockSkewS: parsed.authClockSkewS,
    authJwksCooldownMs: parsed.authJwksCooldownMs,
    authJwksUnknownKidFetchesPerMin: parsed.authJwksUnknownKidFetchesPerMin,
    authJwksMaxAgeMs: parsed.authJwksMaxAgeMs,
    authJwksMaxStaleMs: parsed.authJwksMaxStaleMs,
    identityPrivateKey: parsed.identityPrivateKey,
  };
}
