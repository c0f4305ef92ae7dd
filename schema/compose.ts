import { existsSync, readFileSync } from 'node:fs';
import { checkSchema } from './check/checkSchema.js';
import { formatSchemaCheck } from './check/formatSchemaCheck.js';
import { readSchemaCheckInput } from './check/readSchemaCheckInput.js';
import { composeSupergraph, type SubgraphSource } from './composeSupergraph.js';
import { fromRoot, SUPERGRAPH_FILE, subgraphs } from './subgraphs.js';
import { checkSupergraphDrift, renderSupergraphFile } from './supergraphFile.js';
import { writeGeneratedFile } from './writeGeneratedFile.js';

/**
 * `npm run compose`: composes the subgraphs in schema/subgraphs.ts into
 * schema/supergraph.graphql, but only when `npm run schema:check` accepts the change (no
 * unapproved breaking change, no app build operation broken, the nullable rule held):
 * writing the file is what ships a change, so this is where it is refused.
 * `npm run compose:check` (`--check`) writes nothing and exits 1 when the committed file
 * differs from what composition produces now, printing every change and its level.
 */
const err = (line: string) => process.stderr.write(`${line}\n`);
const check = process.argv.includes('--check');

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
const committed = existsSync(fromRoot(SUPERGRAPH_FILE)) ? readFileSync(fromRoot(SUPERGRAPH_FILE), 'utf8') : undefined;
if (committed?.replace(/\r\n/g, '\n') !== content) {
  const read = readSchemaCheckInput();
  if (!read.ok) {
    for (const e of read.errors) err(`error: ${e}`);
    process.exit(1);
  }
  const report = await checkSchema(read.input);
  const lines = formatSchemaCheck(report, read.baseline);
  if (check) {
    // Stale: say what the new composition changes, and whether schema:check would take it.
    for (const line of lines) err(line);
  } else if (!report.ok) {
    for (const line of lines) err(line);
    err(`${SUPERGRAPH_FILE} not written.`);
    process.exit(1);
  } else {
    for (const line of lines) process.stdout.write(`${line}\n`);
  }
}

writeGeneratedFile(
  {
    path: SUPERGRAPH_FILE,
    content,
    drift: (text) => checkSupergraphDrift(content, text, SUPERGRAPH_FILE),
    count: `${subgraphs.length} subgraphs`,
    names: subgraphs.map((s) => s.name).join(', '),
  },
  check,
);
