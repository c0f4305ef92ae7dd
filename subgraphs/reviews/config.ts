import { parseConfig, type ConfigOf } from '../../platform/config/parseConfig.js';
import { serviceSettings } from '../../platform/config/serviceSettings.js';
import type { Env } from '../../platform/config/setting.js';
import { vendorSettings } from '../kit/vendor/vendorSettings.js';

export const reviewsSettings = {
  ...serviceSettings('REVIEWS', 4002),
  ...vendorSettings('REVIEWS', {
    baseUrl: 'http://127.0.0.1:4102',
    apiKey: 'sandbox-reviews-key',
    // StarPulse accepts 100 ids for ratings and 50 for reviews; one limit for both keeps it simple.
    maxBatchSize: 50,
    // Ratings move slowly and the vendor rate-limits us: cache for five minutes.
    cacheTtlMs: 300_000,
  }),
};

export type ReviewsConfig = ConfigOf<typeof reviewsSettings>;

export function parseReviewsConfig(env: Env): ReviewsConfig {
  return parseConfig('reviews', reviewsSettings, env);
}
