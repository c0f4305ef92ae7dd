import { buildManifest, checkManifestDrift, MANIFEST_FILE, OPERATIONS_DIR, renderManifest } from './persistedQueryManifest.js';
import { readOperationFiles } from './readOperationFiles.js';
import { writeGeneratedFile } from './writeGeneratedFile.js';

/**
 * `npm run manifest`: the persisted query manifest of the app's operations
 * (every `.graphql` file under test/operations/) into schema/persisted-queries.json,
 * which the gateway serves in safelist mode. `npm run manifest:check` (`--check`) writes
 * nothing and exits 1 when the committed file differs from what the operations produce now.
 */
const err = (line: string) => process.stderr.write(`${line}\n`);

const files = readOperationFiles();
if (files.length === 0) {
  err(`error: no .graphql operations under ${OPERATIONS_DIR}/`);
  process.exit(1);
}

const result = buildManifest(files);
if (!result.ok) {
  err(`Manifest failed (${result.errors.length} error${result.errors.length === 1 ? '' : 's'}):`);
  for (const line of result.errors) err(`  error: ${line}`);
  process.exit(1);
}

const { manifest } = result;
writeGeneratedFile(
  {
    path: MANIFEST_FILE,
    content: renderManifest(manifest),
    drift: (committed) => checkManifestDrift(manifest, committed, MANIFEST_FILE),
    count: `${manifest.operations.length} operations`,
    names: manifest.operations.map((op) => op.name).join(', '),
  },
  process.argv.includes('--check'),
);
