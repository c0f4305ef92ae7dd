import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { createVendorServer } from '../sandbox/createVendorServer.js';
import type { RunningVendor } from '../sandbox/types.js';
import type { OAuthClientConfig } from './oidc/clients.js';
import { createOidcIssuer } from './oidc/createOidcIssuer.js';
import type { IdentityIssuerControl } from './oidc/IdentityIssuerControl.js';
import { identityRoutes } from './routes.js';
import { UserDirectory } from './UserDirectory.js';

export interface IdentityVendorOptions {
  apiKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Baseline latency (ms) this vendor starts with and returns to on reset; default 0. */
  latencyMs?: number;
  /** `aud` of access tokens; default 'mobile-graph'. */
  audience?: string;
  /** Lifetime of access tokens (s); default 900. */
  accessTokenTtlS?: number;
  /** Secret of the confidential client `mobile-graph-accounts`; default 'sandbox-accounts-client-secret'. */
  accountsClientSecret?: string;
  /** Replaces the default clients (`mobile-app`, `mobile-graph-accounts`) altogether. */
  clients?: readonly OAuthClientConfig[];
  /** `iss` of tokens; default the vendor's URL (set it when clients reach the vendor by another name, e.g. in docker). */
  issuer?: string;
  /** Tests: the issuer's clock (epoch ms), for code, token and refresh expiry; default Date.now. */
  clock?: () => number;
}

/** The identity vendor: a RunningVendor that is also an OpenID Connect issuer. */
export interface RunningIdentityVendor extends RunningVendor {
  readonly oidc: IdentityIssuerControl;
}

/** From the registry, where the leak scanner finds it too. */
export const IDENTITY_BRAND = sandboxVendorEntry('identity').brand;

/**
 * "IdentiCo", the identity provider: its user API (auth `authorization: Bearer <key>`) and,
 * without a key, an OAuth 2.0 / OpenID Connect issuer at the vendor's URL.
 */
export async function createIdentityVendor(options: IdentityVendorOptions): Promise<RunningIdentityVendor> {
  const users = new UserDirectory(options.clock);
  const issuer = await createOidcIssuer({
    users,
    audience: options.audience,
    accessTokenTtlS: options.accessTokenTtlS,
    clients: options.clients,
    accountsClientSecret: options.accountsClientSecret,
    clock: options.clock,
  });
  const vendor = await createVendorServer(
    {
      name: 'identity',
      brand: IDENTITY_BRAND,
      internalHost: 'identico-api.internal',
      auth: { kind: 'bearer' },
      routes: [...identityRoutes(users), ...issuer.routes],
      controlRoutes: issuer.controlRoutes,
    },
    { apiKey: options.apiKey, host: options.host, port: options.port, defaultFaults: { latencyMs: options.latencyMs ?? 0 }, seed: 0x1d3 },
  );
  issuer.setIssuer(options.issuer ?? vendor.url);
  return { ...vendor, oidc: issuer.control };
}
