import { BoundedMap } from '../../../platform/store/BoundedMap.js';
import { createLocalJWKSet, errors, type CryptoKey, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';

export interface IssuerKeySetOptions {
  readonly jwksUrl: string;
  /** Keys are refetched when older than this (ms). */
  readonly maxAgeMs: number;
  /** When the issuer cannot be reached, keys older than maxAge are still used this long (ms). */
  readonly maxStaleMs: number;
  /** Least time between two refetches caused by the same unknown `kid` (ms). */
  readonly cooldownMs: number;
  /** Refetches for unknown kids, all kids together, per minute (a token bucket of this size, refilled evenly). */
  readonly unknownKidFetchesPerMinute: number;
  /** Budget of one JWKS fetch (ms). */
  readonly timeoutMs: number;
  /** Told when stale keys are used because a refetch failed. */
  readonly onStale?: (err: unknown, ageMs: number) => void;
  /** For tests: the clock (epoch ms). */
  readonly now?: () => number;
}

export type GetIssuerKey = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/** After a failed fetch, wait at least this long before trying again (a down issuer is not hammered per request). */
const RETRY_AFTER_FAILURE_MS = 1_000;
/** Unknown kids remembered for their cooldown; past this many the oldest are forgotten (made-up kids cost memory too). */
const REMEMBERED_KIDS = 10_000;

/**
 * The issuer's public keys, for jose's `jwtVerify`: fetched on first use, refetched after
 * `maxAgeMs`, and refetched when a token names a `kid` the set does not have. Two
 * differences from jose's remote key set:
 *
 * - **rotation is accepted at once**: the cooldown of an unknown-kid refetch is per kid
 *   (`cooldownMs`), not global, so a made-up kid someone sent a second ago does not stop
 *   the issuer's new key from being fetched (jose's global cooldown answered 401 for up to
 *   30 s after any unknown-kid fetch, and a 401 signs the user out). What protects the
 *   issuer from a stream of made-up kids is a global token bucket of
 *   `unknownKidFetchesPerMinute`; tokens waiting on a fetch already under way join it;
 * - **an identity provider outage**: keys past their max age stay in use for `maxStaleMs`
 *   while refetching fails, so signed-in users are not all turned away because the issuer
 *   is briefly unreachable. A key the issuer removed is dropped at the first successful refetch.
 */
export function createIssuerKeySet(options: IssuerKeySetOptions): GetIssuerKey {
  const now = options.now ?? Date.now;
  let current: { resolve: ReturnType<typeof createLocalJWKSet>; fetchedAt: number } | undefined;
  const kidFetchedAt = new BoundedMap<string, number>(REMEMBERED_KIDS);
  const bucketSize = Math.max(1, options.unknownKidFetchesPerMinute);
  let bucket = { tokens: bucketSize, at: now() };
  let lastFailure: { at: number; err: unknown } | undefined;
  let inFlight: Promise<void> | undefined;

  /** Whether an unknown kid may cause a refetch now; takes the token when it may. */
  function mayRefetchFor(kid: string): boolean {
    const at = now();
    const last = kidFetchedAt.get(kid);
    if (last !== undefined && at - last < options.cooldownMs) return false;
    if (inFlight) return true; // joins the fetch under way, costs the issuer nothing
    const tokens = Math.min(bucketSize, bucket.tokens + ((at - bucket.at) * bucketSize) / 60_000);
    bucket = { tokens, at };
    if (tokens < 1) return false;
    bucket = { tokens: tokens - 1, at };
    kidFetchedAt.set(kid, at);
    return true;
  }

  async function fetchKeys(): Promise<void> {
    try {
      const res = await fetch(options.jwksUrl, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs) });
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new errors.JOSEError(`the JWKS endpoint answered HTTP ${res.status}`);
      }
      const body = (await res.json()) as unknown;
      if (!isKeySet(body)) throw new errors.JWKSInvalid('the JWKS endpoint did not answer a JSON Web Key Set');
      current = { resolve: createLocalJWKSet(body), fetchedAt: now() };
      lastFailure = undefined;
    } catch (err) {
      lastFailure = { at: now(), err };
      throw err;
    }
  }

  /** One fetch at a time; a recent failure is answered again without a new request. */
  function refresh(): Promise<void> {
    if (inFlight) return inFlight;
    if (lastFailure && now() - lastFailure.at < RETRY_AFTER_FAILURE_MS) return Promise.reject(lastFailure.err);
    inFlight = fetchKeys().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return async (header, token) => {
    const before = current;
    if (current === undefined) {
      await refresh();
    } else if (now() - current.fetchedAt >= options.maxAgeMs) {
      try {
        await refresh();
      } catch (err) {
        const ageMs = now() - current.fetchedAt;
        if (ageMs >= options.maxAgeMs + options.maxStaleMs) throw err;
        options.onStale?.(err, ageMs);
      }
    }
    const keys = current!;
    try {
      return await keys.resolve(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      const kid = typeof header.kid === 'string' ? header.kid : '';
      // Fetched for this very token (first use, max age): the issuer has just said it has no such key.
      if (current !== before) {
        kidFetchedAt.set(kid, now());
        throw err;
      }
      // A kid we do not have: the issuer may have rotated. Ask again, but not for every made-up kid.
      if (!mayRefetchFor(kid)) throw err;
      try {
        await refresh();
      } catch {
        throw err; // Still unknown to us: the token's problem, whatever the issuer's state.
      }
      return current!.resolve(header, token);
    }
  };
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { keys?: unknown }).keys) &&
    (value as { keys: unknown[] }).keys.every((k) => typeof k === 'object' && k !== null)
  );
}
