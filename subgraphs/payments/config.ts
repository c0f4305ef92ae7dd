import { parseConfig, type ConfigOf } from '../../platform/config/parseConfig.js';
import { serviceSettings } from '../../platform/config/serviceSettings.js';
import type { Env } from '../../platform/config/setting.js';
import { sandboxDefaults, subgraphEntry } from '../../platform/registry/services.js';
import { vendorSettings } from '../kit/vendor/vendorSettings.js';

export const paymentsSettings = {
  ...serviceSettings('PAYMENTS', subgraphEntry('payments').port),
  ...vendorSettings('PAYMENTS', {
    ...sandboxDefaults('payments'),
    // The vendor's documented maximum of ids per batch call (GET /v1/records).
    maxBatchSize: 50,
    // How stale may an answer be? A minute is invisible to most users; raise it for data that rarely changes.
    cacheTtlMs: 60_000,
  }),
};

export type PaymentsConfig = ConfigOf<typeof paymentsSettings>;

export function parsePaymentsConfig(env: Env): PaymentsConfig {
  return parseConfig('payments', paymentsSettings, env);
}
