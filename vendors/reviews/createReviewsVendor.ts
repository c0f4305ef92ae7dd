import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { createVendorServer } from '../sandbox/createVendorServer.js';
import type { RateLimit, RunningVendor } from '../sandbox/types.js';
import { reviewsRoutes } from './routes.js';

export interface ReviewsVendorOptions {
  apiKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Baseline latency (ms) this vendor starts with and returns to on reset; default 0. */
  latencyMs?: number;
  /** Per API key; default 100 requests per 1000 ms; null = unlimited. Reset returns to it. */
  rateLimit?: RateLimit | null;
}

/** From the registry, where the leak scanner finds it too. */
export const REVIEWS_BRAND = sandboxVendorEntry('reviews').brand;
export const REVIEWS_DEFAULT_RATE_LIMIT: Readonly<RateLimit> = Object.freeze({ limit: 100, windowMs: 1000 });

/** "StarPulse", the rate-limited reviews vendor. Auth: `authorization: Bearer <key>`. */
export function createReviewsVendor(options: ReviewsVendorOptions): Promise<RunningVendor> {
  const rateLimit = options.rateLimit === undefined ? { ...REVIEWS_DEFAULT_RATE_LIMIT } : options.rateLimit;
  return createVendorServer(
    { name: 'reviews', brand: REVIEWS_BRAND, internalHost: 'starpulse-api.internal', auth: { kind: 'bearer' }, routes: reviewsRoutes() },
    { apiKey: options.apiKey, host: options.host, port: options.port, defaultFaults: { latencyMs: options.latencyMs ?? 0, rateLimit }, seed: 0x57a75 },
  );
}
