import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { VendorTokenSource } from '../../kit/vendor/VendorClientOptions.js';

/**
 * Apple: a provider token is refused once its `iat` is an hour old (ExpiredProviderToken), and a
 * connection that switches tokens more often than every 20 minutes gets TooManyProviderTokenUpdates.
 * So one token is reused for 50 minutes: past the 20, with 10 to spare before the hour.
 */
export const PROVIDER_TOKEN_REUSE_MS = 50 * 60_000;

export interface ApnsProviderTokens extends VendorTokenSource {
  /** Tokens signed so far, for metrics and tests. */
  signed(): number;
}

/**
 * APNs provider authentication tokens: ES256 JWTs, header `kid` (the key id), claims `iss` (the
 * team) and `iat`, signed with the .p8 key. Every send of the next 50 minutes reuses one token
 * (the same string, so the same `iat`, which is what APNs compares); a token APNs called
 * expired or invalid is replaced at once.
 */
export function createApnsProviderTokens(options: { key: KeyObject; keyId: string; teamId: string; now?: () => number }): ApnsProviderTokens {
  const now = options.now ?? Date.now;
  // `value` is set as soon as the signature resolves, before any caller sees it, so `rejected`
  // can compare synchronously (the kit asks for a fresh token right after telling).
  let current: { token: Promise<string>; value?: string; signedAt: number } | undefined;
  let count = 0;

  function sign(): Promise<string> {
    count++;
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: options.keyId })
      .setIssuer(options.teamId)
      .setIssuedAt(Math.floor(now() / 1000))
      .sign(options.key);
  }

  return {
    token() {
      if (current === undefined || now() - current.signedAt >= PROVIDER_TOKEN_REUSE_MS) {
        // Kept as a promise: concurrent sends share one signature rather than racing to make several.
        const signing: { token: Promise<string>; value?: string; signedAt: number } = { token: sign(), signedAt: now() };
        current = signing;
        signing.token.then(
          (value) => {
            signing.value = value;
          },
          () => {
            if (current === signing) current = undefined;
          },
        );
      }
      return current.token;
    },
    rejected(token) {
      if (current?.value === token) current = undefined;
    },
    signed: () => count,
  };
}
