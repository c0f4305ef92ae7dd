import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph, type SubgraphSource } from './composeSupergraph.js';
import { fromRoot, SUPERGRAPH_FILE, subgraphs } from './subgraphs.js';
import { checkSupergraphDrift, renderSupergraphFile } from './supergraphFile.js';

/**
 * `npm run compose`: composes the subgraphs in schema/subgraphs.ts into
 * schema/supergraph.graphql. `npm run compose:check` (`--check`) writes nothing and
 * exits 1 when the committed file differs from what composition produces now.
 */
const check = process.argv.includes('--check');
const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

const missing = subgraphs.filter((s) => !existsSync(fromRoot(s.schemaPath)));
if (missing.length > 0) {
  for (const s of missing) err(`error: subgraph "${s.name}": schema file not found: ${s.schemaPath}`);
  process.exit(1);
}

const sources: SubgraphSource[] = subgraphs.map((s) => ({
  name: s.name,
  url: s.url,
  source: s.schemaPath,
  typeDefs: readFileSync(fromRoot(s.schemaPath), 'utf8'),
}));
const result = composeSupergraph(sources);
if (!result.ok) {
  err(`Composition failed (${result.errors.length} error${result.errors.length === 1 ? '' : 's'}):`);
  for (const line of result.errors) err(`  error: ${line}`);
  process.exit(1);
}
for (const hint of result.hints) err(`  hint: ${hint.replace(/\n/g, '\n    ')}`);

const file = renderSupergraphFile(result.supergraphSdl);
const target = fromRoot(SUPERGRAPH_FILE);
const committed = existsSync(target) ? readFileSync(target, 'utf8') : undefined;

if (check) {
  const drift = checkSupergraphDrift(file, committed, SUPERGRAPH_FILE);
  if (!drift.upToDate) {
    err(drift.reason);
    process.exit(1);
  }
  out(`${SUPERGRAPH_FILE} is up to date (${subgraphs.length} subgraphs).`);
} else if (committed === file) {
  out(`${SUPERGRAPH_FILE} unchanged (${subgraphs.map((s) => s.name).join(', ')}).`);
} else {
  writeFileSync(target, file);
  out(`wrote ${SUPERGRAPH_FILE} (${subgraphs.map((s) => s.name).join(', ')}).`);
}
