import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

/** One object of a rendered overlay, as kustomize printed it. */
export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly [field: string]: unknown;
}

/** Whether `kubectl` (with its built-in kustomize) can run here. */
export function hasKubectl(): boolean {
  const result = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return result.status === 0;
}

/**
 * `kubectl kustomize <dir>`: what `kubectl apply -k <dir>` would send, rendered offline (no
 * cluster is contacted).
 */
export function renderOverlay(dir: string): RenderedObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr || result.error?.message}`);
  return parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`kubectl kustomize ${dir} printed invalid YAML: ${doc.errors[0]!.message}`);
    return doc.toJS() as RenderedObject;
  });
}
