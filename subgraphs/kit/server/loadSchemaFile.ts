import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Reads a subgraph's `schema.graphql` (its contract) next to the calling module. */
export function loadSchemaFile(url: URL): DocumentNode {
  return parse(readFileSync(url, 'utf8'));
}
