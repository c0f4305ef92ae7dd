/**
 * `npm run wiring:check`: the registry of services (platform/registry/services.ts) against
 * the subgraph folders, each service's conventional files, docker-compose.yml, the
 * supergraph's subgraph list and Prometheus' scrape jobs (deploy/prometheus/prometheus.yml).
 * Exits 1 listing every disagreement.
 */
import { readFileSync } from 'node:fs';
import { sandboxVendorEntries, subgraphEntries } from '../platform/registry/services.js';
import { checkScrapeConfig, checkWiring } from './checkWiring.js';
import { readWiringInput } from './readWiringInput.js';

const input = readWiringInput();
const prometheus = readFileSync(new URL('../deploy/prometheus/prometheus.yml', import.meta.url), 'utf8');
const problems = [...checkWiring(input), ...checkScrapeConfig({ ...input, prometheus })];
if (problems.length > 0) {
  console.error(`Wiring check failed (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(
  `wiring: ${subgraphEntries.length} subgraphs (${subgraphEntries.map((s) => s.name).join(', ')}) and ${sandboxVendorEntries.length} sandbox vendors agree with their folders, docker-compose.yml, the Dockerfile, schema/supergraph.graphql and deploy/prometheus/prometheus.yml`,
);
