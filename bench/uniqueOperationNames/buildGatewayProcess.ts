import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { buildProduction } from '../../scripts/build/buildProduction.js';

/** The bench's own files that run in the gateway's process, compiled beside the production build. */
const BENCH_FILES = ['bench/uniqueOperationNames/gatewayProcess.ts', 'scripts/start/exitWithParent.ts'];

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
    const target = join(outDir, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return relative(root, join(outDir, BENCH_FILES[0]!.replace(/\.ts$/, '.js')));
}
