import { int } from '../../platform/config/setting.js';
import { defineSandboxVendor } from '../sandbox/SandboxVendorModule.js';
import type { RateLimit } from '../sandbox/types.js';
import { createReviewsVendor, REVIEWS_DEFAULT_RATE_LIMIT } from './createReviewsVendor.js';

/** StarPulse, behind the reviews subgraph, rate limited per API key. Option: `rateLimit` (null = unlimited). */
export const sandboxVendor = defineSandboxVendor({
  name: 'reviews',
  settings: {
    reviewsRateLimit: int('SANDBOX_REVIEWS_RATE_LIMIT', {
      default: REVIEWS_DEFAULT_RATE_LIMIT.limit,
      min: 0,
      max: 1_000_000,
      unit: 'requests per second per key, 0 = off',
      description: 'Rate limit of the reviews sandbox vendor; over it, 429 with Retry-After.',
    }),
  },
  optionsFrom: (config) => ({
    rateLimit: config.reviewsRateLimit === 0 ? null : { limit: config.reviewsRateLimit as number, windowMs: 1000 },
  }),
  start: (base, options) => createReviewsVendor({ ...base, ...(options as { rateLimit?: RateLimit | null }) }),
});
