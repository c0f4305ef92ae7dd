import { parseConfig, type ConfigOf } from '../../platform/config/parseConfig.js';
import { serviceSettings } from '../../platform/config/serviceSettings.js';
import type { Env } from '../../platform/config/setting.js';
import { vendorSettings } from '../kit/vendor/vendorSettings.js';

export const catalogSettings = {
  ...serviceSettings('CATALOG', 4001),
  ...vendorSettings('CATALOG', {
    baseUrl: 'http://127.0.0.1:4101',
    apiKey: 'sandbox-commerce-key',
    // ShopCore's documented limit for /v1/products/batch.
    maxBatchSize: 50,
    // Product data changes a few times a day; a minute of staleness is invisible to shoppers.
    cacheTtlMs: 60_000,
  }),
};

export type CatalogConfig = ConfigOf<typeof catalogSettings>;

export function parseCatalogConfig(env: Env): CatalogConfig {
  return parseConfig('catalog', catalogSettings, env);
}
