import { parseConfig, type ConfigOf } from '../../platform/config/parseConfig.js';
import { sandboxDefaults, subgraphEntry } from '../../platform/registry/services.js';
import { serviceSettings } from '../../platform/config/serviceSettings.js';
import type { Env } from '../../platform/config/setting.js';
import { eventSenderSettings } from '../../platform/events/eventSenderSettings.js';
import { vendorSettings } from '../kit/vendor/vendorSettings.js';

export const reviewsSettings = {
  ...serviceSettings('REVIEWS', subgraphEntry('reviews').port),
  ...vendorSettings('REVIEWS', {
    ...sandboxDefaults('reviews'),
    // StarPulse accepts 100 ids for ratings and 50 for reviews; one limit for both keeps it simple.
    maxBatchSize: 50,
    // Ratings move slowly and the vendor rate-limits us: cache for five minutes.
    cacheTtlMs: 300_000,
  }),
  // review.created, to the notifications service (in memory, best effort: see the README).
  ...eventSenderSettings('reviews'),
};

export type ReviewsConfig = ConfigOf<typeof reviewsSettings>;

export function parseReviewsConfig(env: Env): ReviewsConfig {
  return parseConfig('reviews', reviewsSettings, env);
}
