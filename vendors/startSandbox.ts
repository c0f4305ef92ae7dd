import { createCommerceVendor } from './commerce/createCommerceVendor.js';
import { createIdentityVendor, type IdentityVendorOptions, type RunningIdentityVendor } from './identity/createIdentityVendor.js';
import { createReviewsVendor, REVIEWS_DEFAULT_RATE_LIMIT } from './reviews/createReviewsVendor.js';
import type { RateLimit, RunningVendor } from './sandbox/types.js';

export const DEFAULT_SANDBOX_KEYS = Object.freeze({
  commerce: 'sandbox-commerce-key',
  reviews: 'sandbox-reviews-key',
  identity: 'sandbox-identity-key',
});

export interface SandboxVendorOptions {
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default `sandbox-<name>-key`. */
  apiKey?: string;
}

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Baseline latency of all three vendors (ms); default 0. */
  latencyMs?: number;
  commerce?: SandboxVendorOptions;
  /** `rateLimit` default: 100 requests per 1000 ms per key; null = unlimited. */
  reviews?: SandboxVendorOptions & { rateLimit?: RateLimit | null };
  /** Plus the issuer's settings: audience (default 'mobile-graph'), access token TTL (900 s), accounts client secret, issuer. */
  identity?: SandboxVendorOptions & Pick<IdentityVendorOptions, 'audience' | 'accessTokenTtlS' | 'accountsClientSecret' | 'issuer'>;
}

export interface Sandbox {
  readonly commerce: RunningVendor;
  readonly reviews: RunningVendor;
  /** Also an OpenID Connect issuer: `identity.oidc` rotates keys and signs test tokens. */
  readonly identity: RunningIdentityVendor;
  /** The three vendors, for loops. */
  readonly vendors: readonly RunningVendor[];
  /** Resets every vendor's faults and counters (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the three sandbox vendors; if one fails to start, the others are closed again. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const latencyMs = options.latencyMs ?? 0;
  const started = await Promise.allSettled([
    createCommerceVendor({ host, latencyMs, port: options.commerce?.port ?? 0, apiKey: options.commerce?.apiKey ?? DEFAULT_SANDBOX_KEYS.commerce }),
    createReviewsVendor({
      host,
      latencyMs,
      port: options.reviews?.port ?? 0,
      apiKey: options.reviews?.apiKey ?? DEFAULT_SANDBOX_KEYS.reviews,
      rateLimit: options.reviews?.rateLimit === undefined ? { ...REVIEWS_DEFAULT_RATE_LIMIT } : options.reviews.rateLimit,
    }),
    createIdentityVendor({
      ...options.identity,
      host,
      latencyMs,
      port: options.identity?.port ?? 0,
      apiKey: options.identity?.apiKey ?? DEFAULT_SANDBOX_KEYS.identity,
    }),
  ]);
  const running = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(running.map((v) => v.close()));
    throw failure.reason;
  }
  const [commerce, reviews, identity] = running as [RunningVendor, RunningVendor, RunningIdentityVendor];
  const vendors = Object.freeze([commerce, reviews, identity]);
  return {
    commerce,
    reviews,
    identity,
    vendors,
    reset() {
      for (const v of vendors) {
        v.control.resetFaults();
        v.control.resetStats();
      }
    },
    async close() {
      await Promise.all(vendors.map((v) => v.close()));
    },
  };
}
