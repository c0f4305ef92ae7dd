import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findForbiddenImports, formatForbiddenImport, relativeImports, resolveImport, type SourceFile } from './importRules.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function trackedSources(): SourceFile[] {
  const paths = execFileSync('git', ['ls-files', '*.ts'], { cwd: root, encoding: 'utf8' }).split('\n').filter((p) => p !== '');
  return paths.map((path) => ({ path, text: readFileSync(`${root}/${path}`, 'utf8') }));
}

describe('import rules', () => {
  it('every tracked .ts file imports only what its layer may', () => {
    const files = trackedSources();
    expect(files.length).toBeGreaterThan(100);
    expect(findForbiddenImports(files).map(formatForbiddenImport)).toEqual([]);
  });

  it('catches a forbidden import, naming importer and target', () => {
    const files: SourceFile[] = [
      { path: 'gateway/src/context.ts', text: "import { x } from '../../subgraphs/kit/http/createHttpClient.js';" },
      { path: 'subgraphs/kit/cache/cachedCall.ts', text: "export { y } from '../../reviews/model.js';" },
      { path: 'subgraphs/reviews/server.ts', text: "const m = await import('../catalog/subgraph.js');" },
      { path: 'subgraphs/reviews/loaders.ts', text: "import type { Sandbox } from '../../vendors/startSandbox.js';" },
      { path: 'vendors/reviews/routes.ts', text: "import { z } from '../../subgraphs/kit/vendor/shape.js';" },
      { path: 'platform/log/createLogger.ts', text: "import '../../gateway/src/config.js';" },
      { path: 'schema/compose.ts', text: "import { w } from '../gateway/src/createGateway.js';" },
      { path: 'gateway/test/x.test.ts', text: "import { v } from '../../vendors/startSandbox.js';" },
      { path: 'schema/check/y.ts', text: "import { l } from '../../test/harness/runEntry.js';" },
      { path: 'templates/stub.ts', text: '' },
    ];
    const problems = findForbiddenImports(files).map(formatForbiddenImport);
    expect(problems).toEqual([
      expect.stringMatching(/^gateway\/src\/context\.ts imports subgraphs\/kit\/http\/createHttpClient\.ts .*never subgraphs/),
      expect.stringMatching(/^subgraphs\/kit\/cache\/cachedCall\.ts imports subgraphs\/reviews\/model\.ts /),
      expect.stringMatching(/^subgraphs\/reviews\/server\.ts imports subgraphs\/catalog\/subgraph\.ts /),
      expect.stringMatching(/^subgraphs\/reviews\/loaders\.ts imports vendors\/startSandbox\.ts /),
      expect.stringMatching(/^vendors\/reviews\/routes\.ts imports subgraphs\/kit\/vendor\/shape\.ts /),
      expect.stringMatching(/^platform\/log\/createLogger\.ts imports gateway\/src\/config\.ts /),
      expect.stringMatching(/^schema\/compose\.ts imports gateway\/src\/createGateway\.ts /),
      expect.stringMatching(/^gateway\/test\/x\.test\.ts imports vendors\/startSandbox\.ts /),
      expect.stringMatching(/^schema\/check\/y\.ts imports test\/harness\/runEntry\.ts /),
      expect.stringMatching(/^templates\/stub\.ts: no import rule covers this location/),
    ]);
  });

  it('lets each layer import what it may', () => {
    const files: SourceFile[] = [
      { path: 'subgraphs/reviews/server.ts', text: "import { a } from '../kit/server/createVendorSubgraph.js';\nimport { b } from '../../platform/log/createLogger.js';\nimport { c } from './loaders.js';" },
      { path: 'subgraphs/reviews/addReview.test.ts', text: "import { d } from '../../test/harness/executeAs.js';\nimport { e } from '../../vendors/startSandbox.js';" },
      { path: 'subgraphs/kit/http/createHttpClient.test.ts', text: "import { f } from '../../../vendors/startSandbox.js';" },
      { path: 'subgraphs/loadSubgraphModules.ts', text: "import type { M } from './kit/server/SubgraphModule.js';" },
      { path: 'gateway/test/a.test.ts', text: "import { g } from '../../test/harness/testSubgraphs.js';\nimport { h } from '../../schema/subgraphs.js';" },
      { path: 'schema/appBuild.ts', text: "import type { P } from '../gateway/src/persistedQueries/PersistedQueryManifest.js';" },
      { path: 'schema/check/x.test.ts', text: "import { k } from '../../test/harness/runEntry.js';" },
      { path: 'test/harness/startStack.ts', text: "import { i } from '../../subgraphs/reviews/subgraph.js';" },
      { path: 'scripts/start.ts', text: "import { j } from '../gateway/src/main.js';" },
    ];
    expect(findForbiddenImports(files)).toEqual([]);
  });

  it('reads static, type-only, re-export and literal dynamic imports, and resolves .js to .ts', () => {
    const text = [
      "import a from './a.js';",
      "import type { B } from '../b.js';",
      "export * from './c.js';",
      "const d = await import('./d.js');",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(relativeImports(text)).toEqual(['./a.js', '../b.js', './c.js', './d.js']);
    expect(resolveImport('subgraphs/reviews/server.ts', '../kit/x.js')).toBe('subgraphs/kit/x.ts');
    expect(resolveImport('vitest.config.ts', '../elsewhere.js')).toBeNull();
  });
});
