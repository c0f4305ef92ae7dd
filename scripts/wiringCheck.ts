/**
 * `npm run wiring:check`: the registry of services (platform/registry/services.ts) against
 * the subgraph folders, each service's conventional files, docker-compose.yml and the
 * supergraph's subgraph list. Exits 1 listing every disagreement.
 */
import { sandboxVendorEntries, subgraphEntries } from '../platform/registry/services.js';
import { checkWiring } from './checkWiring.js';
import { readWiringInput } from './readWiringInput.js';

const problems = checkWiring(readWiringInput());
if (problems.length > 0) {
  console.error(`Wiring check failed (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(
  `wiring: ${subgraphEntries.length} subgraphs (${subgraphEntries.map((s) => s.name).join(', ')}) and ${sandboxVendorEntries.length} sandbox vendors agree with their folders, docker-compose.yml, the Dockerfile and schema/supergraph.graphql`,
);
