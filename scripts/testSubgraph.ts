/**
 * `npm run test:subgraph -- <name> [vitest options]`: one team's tests (see teamTestFiles):
 * its subgraph's folder, its sandbox vendor's, and the cross-service tests that name it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { subgraphArgument } from './subgraphArgument.js';
import { teamTestFiles } from './teamTestFiles.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const [name, ...vitestArgs] = process.argv.slice(2);
const named = subgraphArgument(name, 'npm run test:subgraph -- <name> [vitest options]');
if (!named.ok) {
  console.error(`test:subgraph: ${named.message}`);
  process.exit(1);
}

// Tracked and new (not yet added) test files alike: a team's test counts before its first commit.
const paths = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.test.ts'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((p) => p !== '');
const files = teamTestFiles(
  named.subgraph,
  paths.map((path) => ({ path, text: readFileSync(`${root}/${path}`, 'utf8') })),
);
if (files.length === 0) {
  console.error(`test:subgraph: no tests found for subgraph "${named.subgraph.name}"`);
  process.exit(1);
}
console.log(`Tests of subgraph "${named.subgraph.name}" (and its sandbox vendor "${named.subgraph.vendor}"), ${files.length} files:\n${files.map((f) => `  ${f}`).join('\n')}\n`);
const vitest = spawnSync(process.execPath, [`${root}/node_modules/vitest/vitest.mjs`, 'run', ...files, ...vitestArgs], { cwd: root, stdio: 'inherit' });
process.exit(vitest.status ?? 1);
