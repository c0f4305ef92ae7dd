// @ts-check
/**
 * npm's postinstall: small, exact edits to installed dependencies, for what their own
 * options cannot do. Plain JavaScript because it also runs in the image's production-deps
 * stage, where there is neither TypeScript nor tsx.
 *
 * Each edit is tied to one version of its package. A version it does not know, or a file
 * whose text is not what the edit expects, is left as it is with a warning: the install
 * goes on, and `scripts/patchDependencies.test.ts` fails until the edit is brought up
 * to date, so an upgrade cannot drop one unnoticed. Running it twice changes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ readonly from: string; readonly to: string }} Replacement
 * @typedef {{
 *   readonly packageName: string;
 *   readonly version: string;
 *   readonly file: string;
 *   readonly why: string;
 *   readonly replacements: readonly Replacement[];
 * }} DependencyPatch
 * @typedef {{ status: 'applied'; text: string } | { status: 'already' } | { status: 'mismatch'; reason: string }} PatchOutcome
 */

/** The first line of a patched file: how a second run knows, and what a reader of node_modules sees. */
export const PATCH_MARKER = '/* edited by scripts/patchDependencies.mjs (postinstall) */';

/** @param {string} id */
const lazy = (id) => ({ from: `require("${id}")`, to: `lazyRequire("${id}")` });

/** @type {readonly DependencyPatch[]} */
export const DEPENDENCY_PATCHES = [
  {
    packageName: '@apollo/gateway',
    version: '2.14.4',
    file: 'dist/utilities/opentelemetry.js',
    why:
      "@apollo/gateway loads its anonymous usage-metrics code (OpenTelemetry JS 1.x: sdk-metrics, four cloud resource detectors, the OTLP metrics exporter) when it loads, though it runs only when APOLLO_TELEMETRY_DISABLED is unset and our gateway always sets it. Beside our tracing's OpenTelemetry 2.x, npm installs a copy of core, resources and semantic-conventions 1.x under each of those packages: about 750 files and 10 MB of live heap in every gateway for code that never runs. The edit loads them on first use instead; with telemetry on, Apollo's code runs as before.",
    replacements: [
      {
        from: 'const api_1 = __importDefault(require("@opentelemetry/api"));',
        to: [
          '// Loaded on first use (see scripts/patchDependencies.mjs): only createDataCollectionMeterProvider uses them.',
          'function lazyRequire(id) {',
          '    let loaded;',
          '    return new Proxy({}, { get: (_, key) => (loaded ??= require(id))[key] });',
          '}',
          'const api_1 = __importDefault(require("@opentelemetry/api"));',
        ].join('\n'),
      },
      lazy('node-cpu-count'),
      lazy('@opentelemetry/semantic-conventions/incubating'),
      lazy('@opentelemetry/sdk-metrics'),
      lazy('@opentelemetry/resource-detector-alibaba-cloud'),
      lazy('@opentelemetry/resource-detector-aws'),
      lazy('@opentelemetry/resource-detector-gcp'),
      lazy('@opentelemetry/resource-detector-azure'),
      lazy('@opentelemetry/resources'),
      lazy('@opentelemetry/exporter-metrics-otlp-http'),
      // Read when the module loads, so the two names are written out: these are the values of ATTR_CLOUD_PROVIDER and ATTR_CLOUD_PLATFORM.
      {
        from: 'const ALLOWED_CLOUD_RESOURCE_ATTRIBUTES = new Set([\n    incubating_1.ATTR_CLOUD_PROVIDER,\n    incubating_1.ATTR_CLOUD_PLATFORM,\n]);',
        to: 'const ALLOWED_CLOUD_RESOURCE_ATTRIBUTES = new Set([\n    "cloud.provider",\n    "cloud.platform",\n]);',
      },
    ],
  },
];

/**
 * The patched text of one file, or why it cannot be patched. Every `from` must occur exactly
 * once, so that an edit never lands somewhere its author did not look.
 * @param {string} text
 * @param {DependencyPatch} patch
 * @returns {PatchOutcome}
 */
export function applyDependencyPatch(text, patch) {
  if (text.startsWith(PATCH_MARKER)) return { status: 'already' };
  let patched = text;
  for (const { from, to } of patch.replacements) {
    const count = patched.split(from).length - 1;
    if (count !== 1) return { status: 'mismatch', reason: `expected ${JSON.stringify(from.split('\n')[0])} once in ${patch.file}, found it ${count} times` };
    patched = patched.replace(from, () => to);
  }
  return { status: 'applied', text: `${PATCH_MARKER}\n${patched}` };
}

/**
 * Applies every patch under `root`'s node_modules and returns one line per patch for the
 * install's output. A package that is not installed is skipped (an install without it).
 * @param {string} root
 * @param {readonly DependencyPatch[]} [patches]
 * @returns {{ lines: string[]; stale: number }}
 */
export function patchDependencies(root, patches = DEPENDENCY_PATCHES) {
  const lines = [];
  let stale = 0;
  for (const patch of patches) {
    const dir = join(root, 'node_modules', patch.packageName);
    let version;
    try {
      version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    } catch {
      lines.push(`${patch.packageName}: not installed, nothing to edit`);
      continue;
    }
    if (version !== patch.version) {
      stale++;
      lines.push(`warning: ${patch.packageName} is ${version}, the edit of ${patch.file} is for ${patch.version}: left as it is (update scripts/patchDependencies.mjs)`);
      continue;
    }
    const path = join(dir, patch.file);
    const outcome = applyDependencyPatch(readFileSync(path, 'utf8'), patch);
    if (outcome.status === 'mismatch') {
      stale++;
      lines.push(`warning: ${patch.packageName}@${version}: ${outcome.reason}: left as it is (update scripts/patchDependencies.mjs)`);
    } else if (outcome.status === 'applied') {
      writeFileSync(path, outcome.text);
      lines.push(`${patch.packageName}@${version}: edited ${patch.file}`);
    } else {
      lines.push(`${patch.packageName}@${version}: ${patch.file} already edited`);
    }
  }
  return { lines, stale };
}

// Run as a script (npm's postinstall runs it from the project root): never fails the install.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? process.cwd();
  for (const line of patchDependencies(root).lines) console.log(`patchDependencies: ${line}`);
}
