import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { buildProduction } from '../../scripts/build/buildProduction.js';

/** The bench's gateway process, and what it imports that the production build does not hold. */
const ENTRY = 'bench/uniqueOperationNames/gatewayProcess.ts';
const BENCH_FILES = [ENTRY, 'scripts/start/exitWithParent.ts'];
const compiled = (file: string) => file.replace(/\.ts$/, '.js');

/**
 * The production build (what the image runs) in `.test-output/bench/memory/dist`, plus the
 * bench's gateway process compiled into the same tree, so that its imports of
 * `../../gateway/…` and `../../platform/…` land on the compiled modules and it runs on plain
 * node: no TypeScript loader in the process whose memory is measured (tsx holds every module's
 * transpiled source and source map). Returns the entry, relative to `root`.
 */
export function buildGatewayProcess(root: string): string {
  const { outDir } = buildProduction({ root, outDir: '.test-output/bench/memory/dist', typeCheck: false });
  for (const file of BENCH_FILES) {
    const { outputText } = ts.transpileModule(readFileSync(join(root, file), 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    });
    const target = join(outDir, compiled(file));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return relative(root, join(outDir, compiled(ENTRY)));
}
