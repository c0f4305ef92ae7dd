import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gatewayEntry, SANDBOX_ENTRY, subgraphEntries, subgraphPaths } from '../../platform/registry/services.js';

/** The image's HEALTHCHECK (see platform/healthcheck/main.ts). */
export const HEALTHCHECK_ENTRY = 'platform/healthcheck/main.ts';

export interface ImageEntry {
  /** `gateway`, a subgraph's name, `<name>-worker`, `sandbox` or `healthcheck`. */
  readonly name: string;
  readonly kind: 'gateway' | 'subgraph' | 'worker' | 'sandbox' | 'healthcheck';
  /** Project-relative TypeScript entry point, e.g. `subgraphs/catalog/main.ts`. */
  readonly source: string;
  /** The subgraph whose code and settings it runs (a subgraph and its worker); none for the others. */
  readonly subgraph?: string;
}

/** Where the build puts an entry point: `subgraphs/catalog/main.ts` → `dist/subgraphs/catalog/main.js`. */
export function compiledEntry(source: string): string {
  return `dist/${source.replace(/\.ts$/, '.js')}`;
}

/**
 * Every entry point the one image runs, from the registry: the gateway, each subgraph and
 * the workers of those that have a `worker/main.ts`, the sandbox, the health check. What the
 * Dockerfile, docker-compose and deploy/k8s may name (as `node dist/<entry>.js`).
 */
export function imageEntries(root: string): ImageEntry[] {
  return [
    { name: gatewayEntry.name, kind: 'gateway', source: gatewayEntry.entry },
    ...subgraphEntries.flatMap((s): ImageEntry[] => [
      { name: s.name, kind: 'subgraph', source: subgraphPaths(s.name).entry, subgraph: s.name },
      ...(existsSync(join(root, subgraphPaths(s.name).worker)) ? [{ name: `${s.name}-worker`, kind: 'worker' as const, source: subgraphPaths(s.name).worker, subgraph: s.name }] : []),
    ]),
    { name: 'sandbox', kind: 'sandbox', source: SANDBOX_ENTRY },
    { name: 'healthcheck', kind: 'healthcheck', source: HEALTHCHECK_ENTRY },
  ];
}
