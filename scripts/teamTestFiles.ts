import { relativeImports, resolveImport } from '../test/architecture/importRules.js';
import { envPrefix, sandboxVendorPaths, subgraphPaths, type SubgraphEntry } from '../platform/registry/services.js';

export interface TestFile {
  /** Project-relative, e.g. `test/chaos/reviewsDown.test.ts`. */
  readonly path: string;
  readonly text: string;
}

/**
 * The tests of one subgraph's team: every test in its folder and in its sandbox vendor's
 * folder, and every other test that names it: by its file name (`test/chaos/reviewsDown.test.ts`),
 * by importing from its folder (`test/e2e/config.test.ts` imports `subgraphs/catalog/config.js`),
 * or by reaching it or its vendor through the harness or its settings (`subgraph('catalog')`,
 * `sandbox.commerce`, `vendor('commerce')`, `CATALOG_CACHE_TTL_MS`). Sorted, no duplicates.
 */
export function teamTestFiles(subgraph: SubgraphEntry, tests: readonly TestFile[]): string[] {
  const folder = `${subgraphPaths(subgraph.name).dir}/`;
  const own = [folder, `${sandboxVendorPaths(subgraph.vendor).dir}/`];
  const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  // `reviews.test.ts`, `reviewsDown.test.ts`, `reviews-down.test.ts`; not `reviewsetc.test.ts`.
  const namesIt = new RegExp(`^${escape(subgraph.name)}([A-Z._-]|$)`);
  const reachesIt = new RegExp(
    [
      `subgraph\\(['"]${escape(subgraph.name)}['"]\\)`,
      `vendor\\(['"]${escape(subgraph.vendor)}['"]\\)`,
      `sandbox\\.${escape(subgraph.vendor)}\\b`,
      `\\b${escape(envPrefix(subgraph.name))}_[A-Z]`,
    ].join('|'),
  );
  return tests
    .filter((t) => own.some((dir) => t.path.startsWith(dir)) || namesIt.test(base(t.path)) || importsFrom(t, folder) || reachesIt.test(t.text))
    .map((t) => t.path)
    .filter((path, i, all) => all.indexOf(path) === i)
    .sort();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function importsFrom(test: TestFile, dir: string): boolean {
  return relativeImports(test.text).some((specifier) => resolveImport(test.path, specifier)?.startsWith(dir) === true);
}
