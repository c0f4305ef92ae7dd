import { createVendorServer } from '../sandbox/createVendorServer.js';
import type { RunningVendor } from '../sandbox/types.js';
import { identityRoutes } from './routes.js';

export interface IdentityVendorOptions {
  apiKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Baseline latency (ms) this vendor starts with and returns to on reset; default 0. */
  latencyMs?: number;
}

export const IDENTITY_BRAND = 'IdentiCo';

/** "IdentiCo", the identity provider's user API. Auth: `authorization: Bearer <key>`. */
export function createIdentityVendor(options: IdentityVendorOptions): Promise<RunningVendor> {
  return createVendorServer(
    { name: 'identity', brand: IDENTITY_BRAND, internalHost: 'identico-api.internal', auth: { kind: 'bearer' }, routes: identityRoutes() },
    { apiKey: options.apiKey, host: options.host, port: options.port, defaultFaults: { latencyMs: options.latencyMs ?? 0 }, seed: 0x1d3 },
  );
}
