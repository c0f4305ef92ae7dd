import path from 'node:path';
import ts from 'typescript';

/**
 * The layering of design.md, as data: which project folders a file may import from,
 * decided by where the importing file lives. Imports run one way: gateway → platform;
 * subgraphs → kit → platform; vendors → platform; only test/, bench/ and scripts/ may
 * import everything. Package imports (`graphql`, `node:fs`) are not checked.
 */

export interface SourceFile {
  /** Project-relative, `/`-separated, e.g. `subgraphs/reviews/server.ts`. */
  readonly path: string;
  readonly text: string;
}

export interface ForbiddenImport {
  readonly importer: string;
  /** The project path it resolves to, e.g. `subgraphs/kit/http/createHttpClient.ts`. */
  readonly target: string;
  /** As written in the source. */
  readonly specifier: string;
  /** The rule it breaks. */
  readonly rule: string;
}

interface Rule {
  /** Said in the failure: what files here may import. */
  readonly text: string;
  /** Project path prefixes (folders end with `/`, files are exact) it may import. */
  readonly allowed: readonly string[];
}

const EVERYTHING: Rule = { text: 'may import everything', allowed: [''] };

const isTest = (file: string) => file.endsWith('.test.ts');

/** The rule for a file at this project path, or undefined when no rule covers that location. */
export function ruleFor(file: string): Rule | undefined {
  const [top, second] = file.split('/');
  if (top === 'test' || top === 'scripts' || top === 'bench') return EVERYTHING;
  // Root config files (vitest.config.ts) are tooling.
  if (!file.includes('/')) return EVERYTHING;
  if (top === 'platform') {
    // Like every layer's tests, platform's may use the harness (a test database, spawning an entry point).
    const testOnly = isTest(file) ? ['test/harness/'] : [];
    return { text: `platform/ imports only platform/${isTest(file) ? ' (its tests also test/harness/)' : ''}`, allowed: ['platform/', ...testOnly] };
  }
  if (top === 'gateway') {
    if (second === 'test') {
      return {
        text: 'gateway tests import only gateway/, platform/, schema/ and test/harness/ (never subgraphs/ or vendors/)',
        allowed: ['gateway/', 'platform/', 'schema/', 'test/harness/'],
      };
    }
    return { text: 'gateway/ imports only gateway/ and platform/ (never subgraphs/ or vendors/)', allowed: ['gateway/src/', 'platform/'] };
  }
  if (top === 'vendors') return { text: 'vendors/ imports only vendors/ and platform/ (it stands in for outside parties)', allowed: ['vendors/', 'platform/'] };
  if (top === 'schema') {
    // The composition tools share the persisted query manifest format with the gateway
    // that serves it: that one file, nothing else of the gateway.
    // Its tests, like every layer's, may run entry points through the harness.
    const testOnly = isTest(file) ? ['test/harness/'] : [];
    return {
      text: `schema/ imports only schema/, platform/ and gateway/src/persistedQueries/PersistedQueryManifest.ts${isTest(file) ? ' (its tests also test/harness/)' : ''}`,
      allowed: ['schema/', 'platform/', 'gateway/src/persistedQueries/PersistedQueryManifest.ts', ...testOnly],
    };
  }
  if (top === 'subgraphs') {
    // A tool-side loader (npm start's docs, the harness): it reaches each registry subgraph's
    // module through platform/registry/loadRegisteredModules.ts, whose import() is built from
    // the registry's paths at run time (invisible to this check, and naming no service).
    if (file === 'subgraphs/loadSubgraphModules.ts') return { text: 'the subgraph loader imports only subgraphs/ and platform/', allowed: ['subgraphs/', 'platform/'] };
    if (second === undefined || !file.startsWith(`subgraphs/${second}/`)) return undefined;
    // The sandbox stands in for vendors in tests, so tests may start it (directly or through the harness).
    const testOnly = isTest(file) ? ['test/harness/', 'vendors/'] : [];
    const tests = isTest(file) ? ' (its tests also test/harness/ and vendors/)' : '';
    if (second === 'kit') return { text: `subgraphs/kit/ imports only subgraphs/kit/ and platform/${tests}`, allowed: ['subgraphs/kit/', 'platform/', ...testOnly] };
    return {
      text: `subgraphs/${second}/ imports only its own folder, subgraphs/kit/ and platform/${tests}`,
      allowed: [`subgraphs/${second}/`, 'subgraphs/kit/', 'platform/', ...testOnly],
    };
  }
  return undefined;
}

/** The relative module specifiers of a file: static imports and re-exports, `import type`, and `import('…')` with a literal. */
export function relativeImports(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName).filter((name) => name.startsWith('./') || name.startsWith('../'));
}

/** `../kit/x.js` imported from `subgraphs/reviews/server.ts` → `subgraphs/kit/x.ts`. Null when it leaves the project. */
export function resolveImport(importer: string, specifier: string): string | null {
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(importer), specifier));
  if (joined.startsWith('../') || joined === '..') return null;
  // NodeNext: TypeScript sources are imported by their emitted `.js` name.
  return joined.replace(/\.js$/, '.ts');
}

const allows = (rule: Rule, target: string) => rule.allowed.some((prefix) => (prefix === '' || prefix.endsWith('/') ? target.startsWith(prefix) : target === prefix));

/** Every import that breaks its file's rule, and every file no rule covers; empty when the tree holds. */
export function findForbiddenImports(files: readonly SourceFile[]): ForbiddenImport[] {
  const found: ForbiddenImport[] = [];
  for (const file of files) {
    const rule = ruleFor(file.path);
    if (rule === undefined) {
      found.push({ importer: file.path, target: '', specifier: '', rule: 'no import rule covers this location (add one in test/architecture/importRules.ts)' });
      continue;
    }
    for (const specifier of relativeImports(file.text)) {
      const target = resolveImport(file.path, specifier);
      if (target === null) {
        found.push({ importer: file.path, target: specifier, specifier, rule: 'imports from outside the project' });
      } else if (!allows(rule, target)) {
        found.push({ importer: file.path, target, specifier, rule: rule.text });
      }
    }
  }
  return found;
}

/** One line per problem: importer → target, and the rule. */
export function formatForbiddenImport(f: ForbiddenImport): string {
  return f.target === '' ? `${f.importer}: ${f.rule}` : `${f.importer} imports ${f.target} ('${f.specifier}'): ${f.rule}`;
}
