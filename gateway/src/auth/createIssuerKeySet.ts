import { createLocalJWKSet, errors, type CryptoKey, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';

export interface IssuerKeySetOptions {
  readonly jwksUrl: string;
  /** Keys are refetched when older than this (ms). */
  readonly maxAgeMs: number;
  /** When the issuer cannot be reached, keys older than maxAge are still used this long (ms). */
  readonly maxStaleMs: number;
  /** Least time between two refetches caused by an unknown `kid` (ms). */
  readonly cooldownMs: number;
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

/**
 * The issuer's public keys, for jose's `jwtVerify`. Like jose's remote key set (fetch on
 * first use, refetch after `maxAgeMs`, refetch for an unknown `kid` at most once per
 * `cooldownMs`), with one difference that matters when the identity provider has an
 * outage: keys past their max age stay in use for `maxStaleMs` while refetching fails,
 * so signed-in users are not all turned away because the issuer is briefly unreachable.
 * A key the issuer removed is dropped at the first successful refetch.
 */
export function createIssuerKeySet(options: IssuerKeySetOptions): GetIssuerKey {
  const now = options.now ?? Date.now;
  let current: { resolve: ReturnType<typeof createLocalJWKSet>; fetchedAt: number } | undefined;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let lastFailure: { at: number; err: unknown } | undefined;
  let inFlight: Promise<void> | undefined;

  async function fetchKeys(): Promise<void> {
    lastAttemptAt = now();
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
      // A kid we do not have: the issuer may have rotated. Ask again, but not for every made-up kid.
      if (!(err instanceof errors.JWKSNoMatchingKey) || now() - lastAttemptAt < options.cooldownMs) throw err;
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
