import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { buildManifest, checkManifestDrift, MANIFEST_FILE, OPERATIONS_DIR, renderManifest } from './persistedQueryManifest.js';
import { fromRoot } from './subgraphs.js';

/**
 * `npm run manifest`: the persisted query manifest of the app's operations
 * (every `.graphql` file under test/operations/) into schema/persisted-queries.json,
 * which the gateway serves in safelist mode. `npm run manifest:check` (`--check`) writes
 * nothing and exits 1 when the committed file differs from what the operations produce now.
 */
const check = process.argv.includes('--check');
const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

const paths = (readdirSync(fromRoot(OPERATIONS_DIR), { recursive: true, encoding: 'utf8' }) as string[])
  .filter((path) => path.endsWith('.graphql'))
  .map((path) => `${OPERATIONS_DIR}/${path.split('\\').join('/')}`)
  .sort();
if (paths.length === 0) {
  err(`error: no .graphql operations under ${OPERATIONS_DIR}/`);
  process.exit(1);
}

const result = buildManifest(paths.map((path) => ({ path, text: readFileSync(fromRoot(path), 'utf8') })));
if (!result.ok) {
  err(`Manifest failed (${result.errors.length} error${result.errors.length === 1 ? '' : 's'}):`);
  for (const line of result.errors) err(`  error: ${line}`);
  process.exit(1);
}

const file = renderManifest(result.manifest);
const target = fromRoot(MANIFEST_FILE);
const committed = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
const names = result.manifest.operations.map((op) => op.name).join(', ');

if (check) {
  const drift = checkManifestDrift(result.manifest, committed, MANIFEST_FILE);
  if (!drift.upToDate) {
    err(drift.reason);
    process.exit(1);
  }
  out(`${MANIFEST_FILE} is up to date (${result.manifest.operations.length} operations).`);
} else if (committed === file) {
  out(`${MANIFEST_FILE} unchanged (${names}).`);
} else {
  writeFileSync(target, file);
  out(`wrote ${MANIFEST_FILE} (${names}).`);
}
