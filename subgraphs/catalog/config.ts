import { parseConfig, type ConfigOf } from '../../platform/config/parseConfig.js';
import { sandboxDefaults, subgraphEntry } from '../../platform/registry/services.js';
import { serviceSettings } from '../../platform/config/serviceSettings.js';
import type { Env } from '../../platform/config/setting.js';
import { vendorSettings } from '../kit/vendor/vendorSettings.js';

export const catalogSettings = {
  ...serviceSettings('CATALOG', subgraphEntry('catalog').port),
  ...vendorSettings('CATALOG', {
    ...sandboxDefaults('catalog'),
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
