import { fileURLToPath } from 'node:url';

export interface SubgraphEntry {
  /** The subgraph's name in the supergraph (and in SUBGRAPH_URLS). */
  readonly name: string;
  /** Routing URL composed into the supergraph; the gateway's SUBGRAPH_URLS overrides it per deployment. */
  readonly url: string;
  /** The subgraph's contract, relative to the project root. */
  readonly schemaPath: string;
}

/** Every subgraph the gateway composes. Add a new vendor subgraph here, then `npm run compose`. */
export const subgraphs: readonly SubgraphEntry[] = [
  { name: 'catalog', url: 'http://localhost:4001/graphql', schemaPath: 'subgraphs/catalog/schema.graphql' },
  { name: 'reviews', url: 'http://localhost:4002/graphql', schemaPath: 'subgraphs/reviews/schema.graphql' },
  { name: 'accounts', url: 'http://localhost:4003/graphql', schemaPath: 'subgraphs/accounts/schema.graphql' },
];

/** Absolute path of a project-relative path, found from this module's location (not the working directory). */
export function fromRoot(relativePath: string): string {
  return fileURLToPath(new URL(`../${relativePath}`, import.meta.url));
}

export const SUPERGRAPH_FILE = 'schema/supergraph.graphql';
