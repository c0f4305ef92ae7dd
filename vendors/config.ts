import { parseConfig, type ConfigOf } from '../platform/config/parseConfig.js';
import { int, string, type Env } from '../platform/config/setting.js';
import { DEFAULT_ACCOUNTS_CLIENT_SECRET } from './identity/oidc/clients.js';
import { DEFAULT_AUDIENCE } from './identity/oidc/createOidcIssuer.js';
import { DEFAULT_ACCESS_TOKEN_TTL_S, MAX_ACCESS_TOKEN_TTL_S } from './identity/oidc/tokenIssuer.js';
import type { SandboxOptions } from './startSandbox.js';

const port = (env: string, fallback: number, who: string) =>
  int(env, { default: fallback, min: 0, max: 65_535, description: `Port of the ${who} sandbox vendor (0 = any free port).` });
const key = (env: string, fallback: string, who: string) =>
  string(env, { default: fallback, secret: true, description: `API key the ${who} sandbox vendor accepts.` });

/** The sandbox's settings; docs are generated from this object. */
export const sandboxSettings = {
  host: string('SANDBOX_HOST', { default: '127.0.0.1', description: 'Interface the three sandbox vendors listen on.' }),
  commercePort: port('SANDBOX_COMMERCE_PORT', 4101, 'commerce (catalog)'),
  reviewsPort: port('SANDBOX_REVIEWS_PORT', 4102, 'reviews'),
  identityPort: port('SANDBOX_IDENTITY_PORT', 4103, 'identity'),
  commerceKey: key('SANDBOX_COMMERCE_KEY', 'sandbox-commerce-key', 'commerce'),
  reviewsKey: key('SANDBOX_REVIEWS_KEY', 'sandbox-reviews-key', 'reviews'),
  identityKey: key('SANDBOX_IDENTITY_KEY', 'sandbox-identity-key', 'identity'),
  reviewsRateLimit: int('SANDBOX_REVIEWS_RATE_LIMIT', {
    default: 100,
    min: 0,
    max: 1_000_000,
    unit: 'requests per second per key, 0 = off',
    description: 'Rate limit of the reviews sandbox vendor; over it, 429 with Retry-After.',
  }),
  identityAudience: string('SANDBOX_IDENTITY_AUDIENCE', {
    default: DEFAULT_AUDIENCE,
    description: 'Audience (`aud`) of the access tokens the identity sandbox vendor issues as an OpenID Connect issuer.',
  }),
  accessTokenTtlS: int('SANDBOX_ACCESS_TOKEN_TTL_S', {
    default: DEFAULT_ACCESS_TOKEN_TTL_S,
    min: 1,
    max: MAX_ACCESS_TOKEN_TTL_S,
    unit: 's',
    description: 'Lifetime of the access tokens the identity sandbox vendor issues.',
  }),
  accountsClientSecret: string('SANDBOX_ACCOUNTS_CLIENT_SECRET', {
    default: DEFAULT_ACCOUNTS_CLIENT_SECRET,
    secret: true,
    description: 'Client secret of the confidential OAuth client `mobile-graph-accounts` (password grant) at the identity sandbox vendor.',
  }),
  latencyMs: int('SANDBOX_LATENCY_MS', {
    default: 0,
    min: 0,
    max: 60_000,
    unit: 'ms',
    description: 'Baseline latency added to every answer of all three vendors.',
  }),
};

export type SandboxConfig = ConfigOf<typeof sandboxSettings>;

/** Parses and freezes the sandbox config; throws ConfigError listing every problem. */
export function parseSandboxConfig(env: Env): SandboxConfig {
  return parseConfig('vendor sandbox', sandboxSettings, env);
}

export function sandboxOptionsFrom(config: SandboxConfig): SandboxOptions {
  return {
    host: config.host,
    latencyMs: config.latencyMs,
    commerce: { port: config.commercePort, apiKey: config.commerceKey },
    reviews: {
      port: config.reviewsPort,
      apiKey: config.reviewsKey,
      rateLimit: config.reviewsRateLimit === 0 ? null : { limit: config.reviewsRateLimit, windowMs: 1000 },
    },
    identity: {
      port: config.identityPort,
      apiKey: config.identityKey,
      audience: config.identityAudience,
      accessTokenTtlS: config.accessTokenTtlS,
      accountsClientSecret: config.accountsClientSecret,
    },
  };
}
