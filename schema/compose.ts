import { existsSync, readFileSync } from 'node:fs';
import { composeSupergraph, type SubgraphSource } from './composeSupergraph.js';
import { fromRoot, SUPERGRAPH_FILE, subgraphs } from './subgraphs.js';
import { checkSupergraphDrift, renderSupergraphFile } from './supergraphFile.js';
import { writeGeneratedFile } from './writeGeneratedFile.js';

/**
 * `npm run compose`: composes the subgraphs in schema/subgraphs.ts into
 * schema/supergraph.graphql. `npm run compose:check` (`--check`) writes nothing and
 * exits 1 when the committed file differs from what composition produces now.
 */
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

const content = renderSupergraphFile(result.supergraphSdl);
writeGeneratedFile(
  {
    path: SUPERGRAPH_FILE,
    content,
    drift: (committed) => checkSupergraphDrift(content, committed, SUPERGRAPH_FILE),
    count: `${subgraphs.length} subgraphs`,
    names: subgraphs.map((s) => s.name).join(', '),
  },
  process.argv.includes('--check'),
);
