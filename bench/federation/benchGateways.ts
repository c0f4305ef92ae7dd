import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_SUPERGRAPH_PATH } from './benchSupergraph.js';
import { oursGatewayEnv, subgraphUrlList } from './oursGatewayEnv.js';
import type { BenchSubgraphName } from './subgraphs/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const gatewayIds = ['apollo-gateway', 'ours'] as const;
export type GatewayId = (typeof gatewayIds)[number];

/** How to start one gateway: node's arguments and environment, and how its ready line gives its URL. */
export interface GatewayLaunch {
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly ready: (line: string) => string | undefined;
}

function jsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Plain Apollo Gateway (bench/federation/baseline/server.mjs), production mode as the public benchmark runs it. */
export function apolloGatewayLaunch(subgraphUrls: Readonly<Record<BenchSubgraphName, string>>): GatewayLaunch {
  return {
    args: [join(root, 'bench/federation/baseline/server.mjs')],
    env: {
      NODE_ENV: 'production',
      PORT: '0',
      SUPERGRAPH_PATH: relative(root, BENCH_SUPERGRAPH_PATH),
      SUBGRAPH_URLS: subgraphUrlList(subgraphUrls),
      APOLLO_TELEMETRY_DISABLED: '1',
    },
    ready: (line) => {
      const url = jsonLine(line)?.url;
      return typeof url === 'string' ? url : undefined;
    },
  };
}

/** Our gateway as the image runs it (`node dist/gateway/src/main.js`), with the benchmark's production settings. */
export function oursLaunch(options: { distDir: string; subgraphUrls: Readonly<Record<BenchSubgraphName, string>>; identityPrivateKey: string }): GatewayLaunch {
  return {
    args: [join(options.distDir, 'gateway/src/main.js')],
    env: oursGatewayEnv({ subgraphUrls: options.subgraphUrls, identityPrivateKey: options.identityPrivateKey }),
    ready: (line) => {
      const entry = jsonLine(line);
      return typeof entry?.url === 'string' && String(entry.msg).startsWith('gateway ready') ? entry.url : undefined;
    },
  };
}

/** The same launch with node flags before its entry (the runner's `--node-flags`, given to both gateways alike). */
export function withNodeFlags(launch: GatewayLaunch, flags: readonly string[]): GatewayLaunch {
  return { ...launch, args: [...flags, ...launch.args] };
}
