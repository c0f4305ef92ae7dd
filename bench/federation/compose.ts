/**
 * `npx tsx bench/federation/compose.ts [--check]`: composes the benchmark's subgraphs
 * (bench/federation/subgraphs/) into bench/federation/supergraph.graphql; with --check,
 * writes nothing and exits 1 when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { BENCH_SUPERGRAPH_PATH, benchSupergraphDrift, composeBenchSupergraph } from './benchSupergraph.js';

if (process.argv.includes('--check')) {
  const drift = benchSupergraphDrift();
  if (drift !== undefined) {
    console.error(drift);
    process.exit(1);
  }
  console.log(`${BENCH_SUPERGRAPH_PATH} is up to date`);
} else {
  writeFileSync(BENCH_SUPERGRAPH_PATH, composeBenchSupergraph());
  console.log(`wrote ${BENCH_SUPERGRAPH_PATH}`);
}
