import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { APP_BUILDS_DIR, readAppBuildFiles } from '../appBuilds/appBuildFiles.js';
import { readOperationFiles } from '../readOperationFiles.js';
import { fromRoot, SUPERGRAPH_FILE, subgraphs } from '../subgraphs.js';
import { APPROVALS_FILE, parseApprovals } from './approvals.js';
import type { SchemaCheckInput } from './checkSchema.js';

const readIfExists = (path: string) => (existsSync(fromRoot(path)) ? readFileSync(fromRoot(path), 'utf8') : undefined);

/**
 * The supergraph the change is judged against: `schema/supergraph.graphql` as committed at
 * git revision `base` (default HEAD), not the working file — composing (or deleting) the
 * working file must not make a breaking change look like no change. Outside a git checkout,
 * or before the file was ever committed, the working file.
 */
export function readBaselineSupergraph(base = 'HEAD'): { sdl: string | undefined; from: string } {
  try {
    const sdl = execFileSync('git', ['show', `${base}:${SUPERGRAPH_FILE}`], { cwd: fromRoot('.'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { sdl, from: `${SUPERGRAPH_FILE} at ${base}` };
  } catch {
    return { sdl: readIfExists(SUPERGRAPH_FILE), from: SUPERGRAPH_FILE };
  }
}

/** The schema check's input from the project's files (subgraph schemas, the baseline supergraph, app builds, operations, approvals), or the errors that prevent it. */
export function readSchemaCheckInput(options: { base?: string } = {}): { ok: true; input: SchemaCheckInput; baseline: string } | { ok: false; errors: string[] } {
  const missing = subgraphs.filter((s) => !existsSync(fromRoot(s.schemaPath)));
  if (missing.length > 0) return { ok: false, errors: missing.map((s) => `subgraph "${s.name}": schema file not found: ${s.schemaPath}`) };
  const approvals = parseApprovals(APPROVALS_FILE, readIfExists(APPROVALS_FILE));
  if (!approvals.ok) return { ok: false, errors: [...approvals.errors] };
  const baseline = readBaselineSupergraph(options.base);
  return {
    ok: true,
    baseline: baseline.from,
    input: {
      committedSupergraphSdl: baseline.sdl,
      subgraphs: subgraphs.map((s) => ({ name: s.name, url: s.url, source: s.schemaPath, typeDefs: readFileSync(fromRoot(s.schemaPath), 'utf8') })),
      operationFiles: readOperationFiles(),
      appBuilds: readAppBuildFiles({ dir: fromRoot(APP_BUILDS_DIR), label: APP_BUILDS_DIR }),
      approvals: approvals.approvals,
    },
  };
}
