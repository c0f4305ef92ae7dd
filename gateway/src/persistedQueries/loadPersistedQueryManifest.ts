import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { manifestProblems, unionOfManifests, type NamedManifest, type PersistedQueryManifest } from './PersistedQueryManifest.js';

/** The manifest file or folder is missing or holds something that is not a valid manifest. The message names the file and every problem. */
export class ManifestLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestLoadError';
  }
}

/**
 * Reads and validates the safelist of safelist mode, a relative path resolved from `cwd`:
 * - a folder (the default, `schema/app-builds/`): one manifest per supported app build
 *   (every `*.json` in it), and the safelist is their union, so that every build still
 *   installed on phones keeps working;
 * - a file: one manifest (a deployment that ships a single, already merged list).
 * Throws a ManifestLoadError the operator can act on, naming every bad file and every
 * problem: the gateway must not start with a safelist it cannot read.
 */
export function loadPersistedQueryManifest(path: string, cwd: string): PersistedQueryManifest {
  const target = resolve(cwd, path);
  let isFolder: boolean;
  try {
    isFolder = statSync(target).isDirectory();
  } catch (err) {
    throw unreadable(target, err);
  }
  if (!isFolder) return nonEmpty(readManifest(target), target);

  const files = readdirSync(target)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new ManifestLoadError(`No persisted query manifests (*.json) in ${target}. Register an app build with \`npm run app-build:register\`.`);
  const manifests: NamedManifest[] = [];
  const errors: string[] = [];
  for (const name of files) {
    try {
      manifests.push({ source: name, manifest: readManifest(join(target, name)) });
    } catch (err) {
      if (!(err instanceof ManifestLoadError)) throw err;
      errors.push(err.message);
    }
  }
  if (errors.length > 0) throw new ManifestLoadError(errors.join('\n'));
  return nonEmpty(unionOfManifests(manifests), target);
}

function readManifest(file: string): PersistedQueryManifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw unreadable(file, err);
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
  return value as PersistedQueryManifest;
}

function nonEmpty(manifest: PersistedQueryManifest, where: string): PersistedQueryManifest {
  if (manifest.operations.length === 0) throw new ManifestLoadError(`Persisted query manifest has no operations: ${where}.`);
  return manifest;
}

function unreadable(file: string, err: unknown): ManifestLoadError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new ManifestLoadError(`Persisted query manifest not found: ${file}. Register an app build (\`npm run app-build:register\`) or set PERSISTED_QUERY_MANIFEST.`);
  }
  return new ManifestLoadError(`Cannot read the persisted query manifest ${file}: ${code ?? (err as Error).message}.`);
}
