import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewaySettings } from '../../gateway/src/config.js';
import { BENCH_SUPERGRAPH_PATH } from './benchSupergraph.js';
import type { BenchSubgraphName } from './subgraphs/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Settings of our gateway that the benchmark moves off their production values, each with
 * the reason. Everything not listed here is as a production deployment has it.
 */
export const BENCH_OVERRIDES: readonly { readonly env: string; readonly value: string; readonly why: string }[] = [
  {
    env: gatewaySettings.rateLimitPerIp.env,
    value: '1000000',
    why: 'the whole load comes from one address; the limit stays on (every request is counted) but one address is not refused',
  },
];

/**
 * The environment of our gateway in the benchmark: NODE_ENV=production (introspection and
 * the explorer off, suggestions hidden, /metrics on a listener of its own), a signing key
 * for the identity forwarded to subgraphs (production requires one), info logs (one access
 * line per request), in-memory rate limits and APQ (one replica, no Redis), every query
 * limit at its default (the heavy query fits them all), and SUBGRAPH_URLS at the bench subgraphs.
 */
export function oursGatewayEnv(options: { subgraphUrls: Readonly<Record<BenchSubgraphName, string>>; identityPrivateKey: string }): Record<string, string> {
  return {
    NODE_ENV: 'production',
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    SUPERGRAPH_PATH: relative(root, BENCH_SUPERGRAPH_PATH),
    SUBGRAPH_URLS: subgraphUrlList(options.subgraphUrls),
    GATEWAY_IDENTITY_PRIVATE_KEY: options.identityPrivateKey,
    APOLLO_TELEMETRY_DISABLED: '1',
    ...Object.fromEntries(BENCH_OVERRIDES.map(({ env, value }) => [env, value])),
  };
}

/** `name=url,name=url`, the form SUBGRAPH_URLS takes (the baseline's server reads the same). */
export function subgraphUrlList(urls: Readonly<Record<string, string>>): string {
  return Object.entries(urls)
    .map(([name, url]) => `${name}=${url}`)
    .join(',');
}
