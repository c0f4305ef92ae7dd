import { existsSync, readFileSync } from 'node:fs';
import { APP_BUILDS_DIR, readAppBuildFiles } from '../appBuilds/appBuildFiles.js';
import { readOperationFiles } from '../readOperationFiles.js';
import { fromRoot, SUPERGRAPH_FILE, subgraphs } from '../subgraphs.js';
import { APPROVALS_FILE, parseApprovals } from './approvals.js';
import type { SchemaCheckInput } from './checkSchema.js';

const readIfExists = (path: string) => (existsSync(fromRoot(path)) ? readFileSync(fromRoot(path), 'utf8') : undefined);

/** The schema check's input from the project's files (subgraph schemas, committed supergraph, app builds, operations, approvals), or the errors that prevent it. */
export function readSchemaCheckInput(): { ok: true; input: SchemaCheckInput } | { ok: false; errors: string[] } {
  const missing = subgraphs.filter((s) => !existsSync(fromRoot(s.schemaPath)));
  if (missing.length > 0) return { ok: false, errors: missing.map((s) => `subgraph "${s.name}": schema file not found: ${s.schemaPath}`) };
  const approvals = parseApprovals(APPROVALS_FILE, readIfExists(APPROVALS_FILE));
  if (!approvals.ok) return { ok: false, errors: [...approvals.errors] };
  return {
    ok: true,
    input: {
      committedSupergraphSdl: readIfExists(SUPERGRAPH_FILE),
      subgraphs: subgraphs.map((s) => ({ name: s.name, url: s.url, source: s.schemaPath, typeDefs: readFileSync(fromRoot(s.schemaPath), 'utf8') })),
      operationFiles: readOperationFiles(),
      appBuilds: readAppBuildFiles({ dir: fromRoot(APP_BUILDS_DIR), label: APP_BUILDS_DIR }),
      approvals: approvals.approvals,
    },
  };
}
