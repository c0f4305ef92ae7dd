import type { ExplorerExample } from './ExplorerExample.js';

/** PLACEHOLDER (being implemented): the app builds' operations (PERSISTED_QUERY_MANIFEST), as explorer examples. */
export function loadExplorerExamples(_manifestPath: string, _cwd: string): ExplorerExample[] {
  return [];
}
