import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { manifestProblems, type PersistedQueryManifest } from './PersistedQueryManifest.js';

/** The manifest file is missing or is not a valid manifest. The message names the file and every problem. */
export class ManifestLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestLoadError';
  }
}

/**
 * Reads and validates the persisted query manifest of safelist mode (made by
 * `npm run manifest`), a relative path resolved from `cwd`. Throws a ManifestLoadError
 * the operator can act on: the gateway must not start with a safelist it cannot read.
 */
export function loadPersistedQueryManifest(path: string, cwd: string): PersistedQueryManifest {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ManifestLoadError(`Persisted query manifest not found: ${file}. Run \`npm run manifest\` or set PERSISTED_QUERY_MANIFEST.`);
    }
    throw new ManifestLoadError(`Cannot read the persisted query manifest ${file}: ${code ?? (err as Error).message}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ManifestLoadError(`Persisted query manifest is not valid JSON: ${file}: ${(err as Error).message}`);
  }
  const problems = manifestProblems(value);
  if (problems.length > 0) {
    throw new ManifestLoadError(`Not a valid persisted query manifest: ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const manifest = value as PersistedQueryManifest;
  if (manifest.operations.length === 0) throw new ManifestLoadError(`Persisted query manifest has no operations: ${file}.`);
  return manifest;
}
