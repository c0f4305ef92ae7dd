import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sandboxVendorEntries, subgraphEntries } from '../platform/registry/services.js';
import type { WiringInput } from './checkWiring.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fromRoot = (path: string) => `${root}/${path}`;

/** The wiring check's input from this working tree: the registry, the folders on disk, docker-compose.yml and the supergraph. */
export function readWiringInput(): WiringInput {
  const subgraphFolders = readdirSync(fromRoot('subgraphs'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'kit' && existsSync(fromRoot(`subgraphs/${d.name}/schema.graphql`)))
    .map((d) => d.name)
    .sort();
  return {
    subgraphs: subgraphEntries,
    vendors: sandboxVendorEntries,
    subgraphFolders,
    exists: (path) => existsSync(fromRoot(path)),
    compose: readFileSync(fromRoot('docker-compose.yml'), 'utf8'),
    supergraph: readFileSync(fromRoot('schema/supergraph.graphql'), 'utf8'),
    dockerfile: readFileSync(fromRoot('Dockerfile'), 'utf8'),
  };
}
