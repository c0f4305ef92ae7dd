import type { Registry } from 'prom-client';
import type { Logger } from '../../../platform/log/createLogger.js';

/**
 * A credential that changes: an OAuth 2.0 access token from a service-account exchange (FCM), a
 * provider JWT (APNs). Asked before every attempt (it should answer from its cache); sent as
 * `authorization: Bearer <token>`.
 */
export interface VendorTokenSource {
  /** The token to send now. A rejection fails the attempt (its `VendorError` kind is kept, anything else is `auth`). */
  readonly token: () => Promise<string>;
  /**
   * The vendor refused this token (401, or what the operation's `tokenRefused` recognises): drop it,
   * so the next `token()` makes a fresh one. Told at most once per attempt.
   */
  readonly rejected?: (token: string) => void;
}

/** How the kit authenticates to a vendor. Keys live only here, never in responses or logs. */
export type VendorAuth =
  | { readonly kind: 'header'; readonly header: string; readonly value: string }
  | { readonly kind: 'bearer'; readonly token: string }
  | ({ readonly kind: 'token' } & VendorTokenSource)
  /** The credential is in the request itself (an OAuth token endpoint's signed assertion). */
  | { readonly kind: 'none' };

export interface BreakerOptions {
  /** Error percentage over the rolling window that opens the breaker. Default 50 (%). */
  readonly errorThresholdPercentage: number;
  /** Minimum calls in the window before the breaker may open. Default 10 (calls). */
  readonly volumeThreshold: number;
  /** Length of the rolling statistics window. Default 10000 (ms). */
  readonly rollingCountTimeoutMs: number;
  /** How long the breaker stays open before letting a trial call through (half-open). Default 10000 (ms). */
  readonly resetTimeoutMs: number;
  /** Vendor faults in a row (timeouts included) that open the breaker whatever the volume. Default 3 (calls). */
  readonly consecutiveFailures?: number;
}

export interface RetryOptions {
  /** Total attempts for an idempotent read, the first included. 1 disables retries. Default 3. */
  readonly maxAttempts: number;
  /** Base of the exponential backoff; retry n (1 = the first retry) waits random(0, min(maxDelay, base * 2^(n-1))). Default 50 (ms). */
  readonly baseDelayMs: number;
  /** Cap of one backoff wait (also caps a vendor's Retry-After we are willing to wait inside one call). Default 500 (ms). */
  readonly maxDelayMs: number;
  /** Shortest wait before retrying a 429 that gave no Retry-After, or 0. Default 500 (ms). */
  readonly rateLimitedMinDelayMs?: number;
  /**
   * Retries allowed as a fraction of successful attempts over the last 10 s (so at most that
   * fraction of extra calls); none while most recent attempts fail. Default 0.1.
   */
  readonly budgetRatio: number;
  /** Longest a vendor's Retry-After may close the rate-limit gate; the client also caps it at the breaker's reset. Default 60000 (ms). */
  readonly retryAfterMaxMs?: number;
}

export interface VendorClientOptions {
  /** Internal name, used in logs only. Never shown to clients. */
  readonly name: string;
  /** Base URL of the vendor API, without trailing slash. */
  readonly baseUrl: string;
  readonly auth: VendorAuth;
  /** Latency budget of one call, retries included; the HTTP request is aborted when it runs out. Default 1000 (ms). */
  readonly deadlineMs: number;
  /** Keep-alive connections kept open to the vendor. Default 32. With `http2`, each multiplexes many calls: a few are enough. */
  readonly connections: number;
  /**
   * Speak HTTP/2 (APNs requires it): h2 negotiated by ALPN over https, h2c with prior knowledge
   * over http (the sandbox). Default false (HTTP/1.1).
   */
  readonly http2?: boolean;
  /** Most bytes of a 2xx body read per call (per operation: `maxBodyBytes` of its definition). Default 1048576 (bytes, 1 MiB). */
  readonly maxBodyBytes?: number;
  readonly breaker: BreakerOptions;
  readonly retry: RetryOptions;
  readonly logger: Logger;
  /**
   * The service's Prometheus registry: every call is counted there (`vendor_*` of
   * platform/metrics/metricCatalog.ts). Several clients of one service share it. None: not counted.
   */
  readonly metrics?: Registry;
}

export type { CachePolicy } from '../../../platform/store/CacheStore.js';
