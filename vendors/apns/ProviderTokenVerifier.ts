import { decodeProtectedHeader, importSPKI, jwtVerify, type CryptoKey } from 'jose';
import type { ApnsReason } from './apnsReasons.js';

/** A provider key the sandbox trusts: Apple's record of a developer's `.p8` key. */
export interface ProviderKey {
  keyId: string;
  teamId: string;
  /** SPKI PEM of the ES256 (P-256) public key. */
  publicKeyPem: string;
}

/** Apple refuses a token whose `iat` is older than this (s). */
export const TOKEN_MAX_AGE_S = 3600;
/** …and a connection that switches to a new token more often than this (s). */
export const TOKEN_MIN_REFRESH_S = 1200;
/** An `iat` this far ahead of the sandbox's clock is still taken as clock skew (s). */
const FUTURE_SKEW_S = 60;

const BEARER = /^bearer\s+(\S+)$/i;

interface TrustedKey {
  teamId: string;
  key: CryptoKey;
}

/**
 * Checks APNs provider tokens: `authorization: bearer <JWT>`, ES256, `kid` a known key id,
 * `iss` that key's team, `iat` at most an hour old. Like APNs, it remembers the token each
 * connection uses, per key, and refuses a switch to a new one within 20 minutes of the last.
 */
export class ProviderTokenVerifier {
  private readonly inUse = new WeakMap<object, Map<string, number>>();

  private constructor(
    private readonly keys: ReadonlyMap<string, TrustedKey>,
    private readonly clock: () => number,
  ) {}

  static async create(keys: readonly ProviderKey[], clock: () => number): Promise<ProviderTokenVerifier> {
    const trusted = new Map<string, TrustedKey>();
    for (const k of keys) trusted.set(k.keyId, { teamId: k.teamId, key: await importSPKI(k.publicKeyPem, 'ES256') });
    return new ProviderTokenVerifier(trusted, clock);
  }

  /** The refusal's reason, or null when the request may go on. `connection` scopes the refresh rule. */
  async check(authorization: string | undefined, connection: object): Promise<ApnsReason | null> {
    if (authorization === undefined || authorization.trim() === '') return 'MissingProviderToken';
    const token = BEARER.exec(authorization.trim())?.[1];
    if (token === undefined) return 'InvalidProviderToken';
    let kid: unknown;
    let alg: unknown;
    try {
      ({ kid, alg } = decodeProtectedHeader(token));
    } catch {
      return 'InvalidProviderToken';
    }
    const trusted = typeof kid === 'string' ? this.keys.get(kid) : undefined;
    if (trusted === undefined || alg !== 'ES256') return 'InvalidProviderToken';
    const nowMs = this.clock();
    let iat: number;
    try {
      const { payload } = await jwtVerify(token, trusted.key, {
        algorithms: ['ES256'],
        issuer: trusted.teamId,
        requiredClaims: ['iat'],
        currentDate: new Date(nowMs),
      });
      iat = payload.iat as number;
    } catch {
      return 'InvalidProviderToken';
    }
    const nowS = nowMs / 1000;
    if (!Number.isInteger(iat) || iat > nowS + FUTURE_SKEW_S) return 'InvalidProviderToken';
    if (nowS - iat > TOKEN_MAX_AGE_S) return 'ExpiredProviderToken';
    return this.track(connection, kid as string, iat);
  }

  /** Two tokens signed with the same `iat` are the same token to APNs (ES256 signatures differ every time). */
  private track(connection: object, kid: string, iat: number): ApnsReason | null {
    let byKey = this.inUse.get(connection);
    if (byKey === undefined) {
      byKey = new Map();
      this.inUse.set(connection, byKey);
    }
    const current = byKey.get(kid);
    if (current !== undefined && current !== iat && Math.abs(iat - current) < TOKEN_MIN_REFRESH_S) return 'TooManyProviderTokenUpdates';
    byKey.set(kid, iat);
    return null;
  }
}
