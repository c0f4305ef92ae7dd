import { int, optionalInt } from '../../../platform/config/setting.js';

/** RATE_LIMIT_PER_IP_SHARED's default, as a multiple of RATE_LIMIT_PER_IP. */
export const SHARED_CEILING_FACTOR = 10;

/** The gateway's rate limits and how it finds the client's address, spread into gatewaySettings. */
export const rateLimitSettings = {
  rateLimitPerIp: int('RATE_LIMIT_PER_IP', {
    default: 600,
    min: 0,
    max: 1_000_000,
    unit: 'operations per window',
    description:
      'GraphQL operations one client may send per window (a batch counts each); over it → 429. 0 = no limit. A client is its address, or its address and app install when the app sends a UUID in x-install-id.',
  }),
  rateLimitPerIpShared: optionalInt('RATE_LIMIT_PER_IP_SHARED', {
    defaultText: '10 × RATE_LIMIT_PER_IP',
    min: 0,
    max: 100_000_000,
    unit: 'operations per window',
    description:
      'GraphQL operations one address may send per window, all its app installs together (a carrier NAT holds thousands of phones), so that made-up install ids cannot multiply its budget; over it → 429. 0 = no limit.',
  }),
  rateLimitPerUser: int('RATE_LIMIT_PER_USER', {
    default: 300,
    min: 0,
    max: 1_000_000,
    unit: 'operations per window',
    description: 'GraphQL operations one signed-in user may send per window, from any address; over it → 429. 0 = no limit.',
  }),
  rateLimitWindowS: int('RATE_LIMIT_WINDOW_S', {
    default: 60,
    min: 1,
    max: 3_600,
    unit: 's',
    description: 'Length of the fixed window the rate limits count over.',
  }),
  trustProxyHops: int('TRUST_PROXY_HOPS', {
    default: 0,
    min: 0,
    max: 10,
    unit: 'proxies',
    description: 'Proxies in front of the gateway: 0 = the client is the socket address; N = the Nth address from the right of x-forwarded-for.',
  }),
};
