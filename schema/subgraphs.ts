import { fileURLToPath } from 'node:url';
import { subgraphEntries, subgraphPaths } from '../platform/registry/services.js';

export interface SubgraphEntry {
  /** The subgraph's name in the supergraph (and in SUBGRAPH_URLS). */
  readonly name: string;
  /** Routing URL composed into the supergraph; the gateway's SUBGRAPH_URLS overrides it per deployment. */
  readonly url: string;
  /** The subgraph's contract, relative to the project root. */
  readonly schemaPath: string;
}

/**
 * Every subgraph the gateway composes: the registry's (platform/registry/services.ts), in
 * its order. `npm run new:subgraph` adds one there; then `npm run compose`.
 */
export const subgraphs: readonly SubgraphEntry[] = subgraphEntries.map((s) => ({
  name: s.name,
  url: `http://localhost:${s.port}/graphql`,
  schemaPath: subgraphPaths(s.name).schema,
}));

/** Absolute path of a project-relative path, found from this module's location (not the working directory). */
export function fromRoot(relativePath: string): string {
  return fileURLToPath(new URL(`../${relativePath}`, import.meta.url));
}

export const SUPERGRAPH_FILE = 'schema/supergraph.graphql';
