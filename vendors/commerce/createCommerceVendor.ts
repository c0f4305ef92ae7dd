import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { createVendorServer } from '../sandbox/createVendorServer.js';
import type { RunningVendor } from '../sandbox/types.js';
import { commerceRoutes } from './routes.js';

export interface CommerceVendorOptions {
  apiKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Baseline latency (ms) this vendor starts with and returns to on reset; default 0. */
  latencyMs?: number;
}

/** From the registry, where the leak scanner finds it too. */
export const COMMERCE_BRAND = sandboxVendorEntry('commerce').brand;

/** "ShopCore", the commerce platform behind the catalog subgraph. Auth: `x-api-key`. */
export function createCommerceVendor(options: CommerceVendorOptions): Promise<RunningVendor> {
  return createVendorServer(
    { name: 'commerce', brand: COMMERCE_BRAND, internalHost: 'shopcore-api.internal', auth: { kind: 'header', header: 'x-api-key' }, routes: commerceRoutes() },
    { apiKey: options.apiKey, host: options.host, port: options.port, defaultFaults: { latencyMs: options.latencyMs ?? 0 }, seed: 0xc0de1 },
  );
}
