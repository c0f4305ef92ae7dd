import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { createVendorServer } from '../sandbox/createVendorServer.js';
import type { RunningVendor } from '../sandbox/types.js';
import { paymentsRoutes } from './routes.js';

export interface PaymentsVendorOptions {
  apiKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Baseline latency (ms) this vendor starts with and returns to on reset; default 0. */
  latencyMs?: number;
}

/** From the registry, where the leak scanner finds it too. */
export const PAYMENTS_BRAND = sandboxVendorEntry('payments').brand;

/** "Paylane", the vendor behind the payments subgraph. Auth: `x-api-key`. */
export function createPaymentsVendor(options: PaymentsVendorOptions): Promise<RunningVendor> {
  return createVendorServer(
    {
      name: 'payments',
      brand: PAYMENTS_BRAND,
      internalHost: 'payments-api.internal',
      auth: { kind: 'header', header: 'x-api-key' },
      routes: paymentsRoutes(),
    },
    { apiKey: options.apiKey, host: options.host, port: options.port, defaultFaults: { latencyMs: options.latencyMs ?? 0 }, seed: 0xdf384a },
  );
}
