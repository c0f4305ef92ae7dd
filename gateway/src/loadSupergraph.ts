import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GraphQLError, parse } from 'graphql';
import { supergraphSubgraphs } from './supergraphSubgraphs.js';

/** The supergraph file is missing or is not a supergraph. The message says which file and what is wrong. */
export class SupergraphLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SupergraphLoadError';
  }
}

/**
 * Reads the supergraph SDL the gateway serves (written by `npm run compose`), relative
 * paths resolved from `cwd`. Checks it is GraphQL and a supergraph (a `join__Graph`
 * enum with at least one subgraph); the gateway validates the rest when it starts.
 */
export function loadSupergraph(path: string, cwd: string): string {
  const file = resolve(cwd, path);
  let sdl: string;
  try {
    sdl = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new SupergraphLoadError(`Supergraph file not found: ${file}. Run \`npm run compose\` or set SUPERGRAPH_PATH.`);
    }
    if (code === 'EISDIR') throw new SupergraphLoadError(`Supergraph path is a directory, not a file: ${file}.`);
    throw new SupergraphLoadError(`Cannot read the supergraph file ${file}: ${code ?? (err as Error).message}.`);
  }
  if (sdl.trim() === '') throw new SupergraphLoadError(`Supergraph file is empty: ${file}. Run \`npm run compose\`.`);

  let subgraphs: ReturnType<typeof supergraphSubgraphs>;
  try {
    subgraphs = supergraphSubgraphs(parse(sdl, { noLocation: false }));
  } catch (err) {
    const where = err instanceof GraphQLError && err.locations?.[0] ? ` (line ${err.locations[0].line}, column ${err.locations[0].column})` : '';
    throw new SupergraphLoadError(`Supergraph file is not valid GraphQL: ${file}${where}: ${(err as Error).message}`);
  }
  if (subgraphs === undefined) {
    throw new SupergraphLoadError(
      `Not a supergraph: ${file} has no join__Graph enum (a subgraph schema? a supergraph is made by \`npm run compose\`).`,
    );
  }
  if (subgraphs.length === 0) throw new SupergraphLoadError(`Supergraph declares no subgraphs: ${file}.`);
  return sdl;
}
