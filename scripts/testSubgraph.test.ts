import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { subgraphEntries, subgraphEntry } from '../platform/registry/services.js';
import { teamTestFiles } from './teamTestFiles.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The script in its own process, without this worker's vitest variables (a nested run must start afresh). */
function testSubgraph(args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/testSubgraph.ts', ...args], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
}

describe('npm run test:subgraph', () => {
  it("picks its folder's tests, its sandbox vendor's, and the tests that name or import it", () => {
    const file = (path: string, text = '') => ({ path, text });
    const files = teamTestFiles(subgraphEntry('reviews'), [
      file('subgraphs/reviews/addReview.test.ts'),
      file('vendors/reviews/reviewsVendor.test.ts'),
      file('test/chaos/reviewsDown.test.ts'),
      file('test/e2e/reviews.test.ts'),
      file('test/e2e/config.test.ts', "import { parseReviewsConfig } from '../../subgraphs/reviews/config.js';"),
      // Reaching it through the harness or its settings.
      file('test/chaos/a.test.ts', "stack.subgraph('reviews').service"),
      file('test/chaos/b.test.ts', 'stack.sandbox.reviews.control.setFaults({ outage: true })'),
      file('test/chaos/c.test.ts', "startStack({ env: { REVIEWS_CACHE_TTL_MS: '0' } })"),
      file('test/chaos/d.test.ts', "sandbox.vendor('reviews')"),
      // Not theirs: another team's, a name that only starts alike, a mention in a string.
      file('subgraphs/catalog/permissions.test.ts'),
      file('vendors/commerce/commerceVendor.test.ts'),
      file('test/e2e/reviewsetc.test.ts'),
      file('test/architecture/imports.test.ts', "const sample = \"import { i } from '../../subgraphs/reviews/subgraph.js';\";"),
    ]);
    expect(files).toEqual([
      'subgraphs/reviews/addReview.test.ts',
      'test/chaos/a.test.ts',
      'test/chaos/b.test.ts',
      'test/chaos/c.test.ts',
      'test/chaos/d.test.ts',
      'test/chaos/reviewsDown.test.ts',
      'test/e2e/config.test.ts',
      'test/e2e/reviews.test.ts',
      'vendors/reviews/reviewsVendor.test.ts',
    ]);
  });

  it('refuses a missing or unknown name, listing the subgraphs of the registry', () => {
    const missing = testSubgraph([]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('usage: npm run test:subgraph -- <name>');
    const unknown = testSubgraph(['weather']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(`test:subgraph: unknown subgraph "weather"; subgraphs in platform/registry/services.ts: ${subgraphEntries.map((s) => s.name).join(', ')}`);
  });

  it("runs one team's tests and exits with vitest's status", () => {
    // Its whole list is printed; vitest options pass through, so one cheap test of it runs
    // (the full set starts stacks and chaos scenarios: minutes on a busy machine).
    const run = testSubgraph(['catalog', '-t', 'catalog permissions']);
    expect(run.stdout).toContain('Tests of subgraph "catalog" (and its sandbox vendor "commerce")');
    expect(run.stdout).toContain('subgraphs/catalog/permissions.test.ts');
    expect(run.stdout).toContain('vendors/commerce/commerceVendor.test.ts');
    expect(run.stdout).not.toContain('subgraphs/reviews/');
    expect(run.stdout).toMatch(/2 passed/);
    expect(run.status).toBe(0);
  }, 150_000);
});
