import { readdirSync, readFileSync } from 'node:fs';
import { OPERATIONS_DIR, type OperationFile } from './persistedQueryManifest.js';
import { fromRoot } from './subgraphs.js';

/** The app's operations: every `.graphql` file under test/operations/ (sub-folders too), sorted by project-relative path. */
export function readOperationFiles(): OperationFile[] {
  return (readdirSync(fromRoot(OPERATIONS_DIR), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((path) => path.endsWith('.graphql'))
    .map((path) => `${OPERATIONS_DIR}/${path.split('\\').join('/')}`)
    .sort()
    .map((path) => ({ path, text: readFileSync(fromRoot(path), 'utf8') }));
}
