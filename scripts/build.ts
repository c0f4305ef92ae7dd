/**
 * `npm run build`: the production build into dist/ (see scripts/build/buildProduction.ts),
 * what the image runs: `node dist/gateway/src/main.js`, `node dist/subgraphs/<name>/main.js`, …
 *
 *   tsx scripts/build.ts [--out-dir <dir>] [--no-type-check]
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildProduction } from './build/buildProduction.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' }, 'no-type-check': { type: 'boolean', default: false } } });

const started = Date.now();
try {
  const { outDir, assets } = buildProduction({ root, outDir: values['out-dir'], typeCheck: !values['no-type-check'] });
  console.log(`built ${relative(root, outDir) || '.'}/ in ${((Date.now() - started) / 1000).toFixed(1)} s (${assets.length} runtime files copied beside their modules)`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
