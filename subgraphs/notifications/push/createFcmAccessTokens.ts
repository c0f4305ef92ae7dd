import { SignJWT } from 'jose';
import { VendorError } from '../../kit/errors/VendorError.js';
import type { CallContext, VendorClient, VendorOperation } from '../../kit/vendor/VendorClient.js';
import type { VendorTokenSource } from '../../kit/vendor/VendorClientOptions.js';
import { z } from '../../kit/vendor/vendorValues.js';
import type { ServiceAccount } from './loadServiceAccount.js';

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google takes assertions living at most an hour. */
const ASSERTION_LIFETIME_S = 3600;
/** A token is replaced this long before it expires (at most a tenth of its life), so none expires in flight. */
const EARLY_REFRESH_MS = 5 * 60_000;

const tokenAnswer = z.object({
  access_token: z.string().min(1).max(8192).regex(/^[\x21-\x7e]+$/),
  expires_in: z.number().int().min(1).max(86_400),
  token_type: z.string().regex(/^bearer$/i),
});

export interface FcmAccessTokens extends VendorTokenSource {
  /** Token exchanges made so far (successful or not), for metrics and tests. */
  exchanges(): number;
}

/**
 * FCM's OAuth 2.0 access tokens from the service account (RFC 7523 JWT-bearer grant, as Google's
 * auth libraries do it): an RS256 assertion (`kid` the key id, `iss`/`sub` the account, `aud` the
 * token URL, FCM's scope) exchanged at the token endpoint through the kit (`client`, its own
 * origin: Google's is oauth2.googleapis.com, FCM's fcm.googleapis.com). The token is cached until
 * shortly before it expires; concurrent sends share one exchange (single flight); a token FCM
 * refused (401) is dropped so the next send exchanges again.
 */
export function createFcmAccessTokens(options: { account: ServiceAccount; tokenUrl: string; client: VendorClient; now?: () => number }): FcmAccessTokens {
  const now = options.now ?? Date.now;
  const { account } = options;
  const tokenPath = new URL(options.tokenUrl).pathname;
  const exchange: VendorOperation<string, { token: string; expiresInS: number }> = options.client.operation({
    name: 'token',
    // A second exchange only mints another token: safe to retry on 5xx and 429.
    idempotent: true,
    request: (assertion) => ({ method: 'POST', path: tokenPath, form: { grant_type: JWT_BEARER_GRANT, assertion } }),
    parse: (json) => {
      const answer = tokenAnswer.parse(json);
      return { token: answer.access_token, expiresInS: answer.expires_in };
    },
  });
  let cached: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  let count = 0;

  async function signAssertion(): Promise<string> {
    const iat = Math.floor(now() / 1000);
    return new SignJWT({ scope: FCM_SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: account.privateKeyId })
      .setIssuer(account.clientEmail)
      .setSubject(account.clientEmail)
      .setAudience(options.tokenUrl)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_LIFETIME_S)
      .sign(account.privateKey);
  }

  async function refresh(): Promise<string> {
    count++;
    const startedAt = now();
    // Its own request id: the exchange serves every send waiting on it, not one of them.
    const call: CallContext = { requestId: `fcm-token-${startedAt}-${count}` };
    try {
      const answer = await exchange.call(await signAssertion(), call);
      const lifetimeMs = answer.expiresInS * 1000;
      cached = { token: answer.token, refreshAt: startedAt + lifetimeMs - Math.min(EARLY_REFRESH_MS, lifetimeMs / 10) };
      return answer.token;
    } catch (err) {
      throw credentialsRefused(err);
    }
  }

  return {
    token() {
      if (cached !== undefined && now() < cached.refreshAt) return Promise.resolve(cached.token);
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    rejected(token) {
      if (cached?.token === token) cached = undefined;
    },
    exchanges: () => count,
  };
}

/**
 * The endpoint refusing the assertion (400 `invalid_grant`: wrong key, unknown account, clock) is
 * a credentials problem, `auth`, whatever status it came with; an unreachable endpoint keeps its
 * kind (a fault the send may retry). Google's `error` code is kept for the logs, not its text.
 */
function credentialsRefused(err: unknown): unknown {
  if (!(err instanceof VendorError) || !['refused', 'rejected', 'auth', 'not_found'].includes(err.kind)) return err;
  const code = /"error"\s*:\s*"([a-z_]{1,40})"/.exec(err.body ?? '')?.[1] ?? `HTTP ${err.status ?? '?'}`;
  return new VendorError('auth', { vendor: err.vendor, operation: err.operation, ...(err.status !== undefined ? { status: err.status } : {}), message: `the token endpoint refused the service account (${code})`, cause: err });
}
