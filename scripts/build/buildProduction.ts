import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { moduleAssets } from './runtimeAssets.js';

export interface BuildOptions {
  /** The project root (where tsconfig.build.json is). */
  readonly root: string;
  /** Where the compiled tree goes, relative to `root` or absolute; emptied first. */
  readonly outDir: string;
  /**
   * Type-check while compiling (the default). Tests that only need the output turn it off:
   * the emitted JavaScript is the same, and `npm run typecheck` checks the types anyway.
   */
  readonly typeCheck?: boolean;
}

/**
 * The production build: the runtime code compiled by tsc (tsconfig.build.json) into
 * `outDir`, mirroring the source tree (`<outDir>/gateway/src/main.js`, …), then every file
 * a module reads beside itself copied beside the compiled module. The result runs with
 * plain `node` (no TypeScript loader). Throws with tsc's output if it fails.
 */
export function buildProduction(options: BuildOptions): { readonly outDir: string; readonly assets: readonly string[] } {
  const outDir = resolve(options.root, options.outDir);
  // A clean tree: a module deleted from the sources must not live on in the image.
  rmSync(outDir, { recursive: true, force: true });
  const tsc = createRequire(join(options.root, 'package.json')).resolve('typescript/bin/tsc');
  const args = [tsc, '-p', join(options.root, 'tsconfig.build.json'), '--outDir', outDir, ...(options.typeCheck === false ? ['--noCheck'] : [])];
  const result = spawnSync(process.execPath, args, { cwd: options.root, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`tsc -p tsconfig.build.json failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}):\n${result.stdout}${result.stderr}`);
  }
  const assets = moduleAssets(options.root);
  for (const asset of assets) {
    const target = join(outDir, asset);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(options.root, asset), target);
  }
  return { outDir, assets };
}
