/**
 * npm's postinstall: small, exact edits to installed dependencies, for what their own
 * options cannot do. Plain JavaScript because it also runs in the image's production-deps
 * stage, where there is neither TypeScript nor tsx (its types: patchDependencies.d.mts).
 *
 * Each edit is tied to one version of its package. A version it does not know, or a file
 * whose text is not what the edit expects, is left as it is with a warning: the install
 * goes on, and `scripts/patchDependencies.test.ts` fails until the edit is brought up to
 * date, so an upgrade cannot drop one unnoticed. Running it twice changes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {import('./patchDependencies.d.mts').DependencyPatch} DependencyPatch */
/** @typedef {import('./patchDependencies.d.mts').PatchOutcome} PatchOutcome */

/** The first line of a patched file: how a second run knows, and what a reader of node_modules sees. */
export const PATCH_MARKER = '/* edited by scripts/patchDependencies.mjs (postinstall) */';

/**
 * `const <binding> = require("<id>");` made lazy. The whole statement, so that a require
 * wrapped in `__importStar` or `__importDefault` (which would read the module at once, or copy
 * no keys from the proxy) is a mismatch, not an edit.
 * @param {string} binding
 * @param {string} id
 */
const lazy = (binding, id) => ({ from: `const ${binding} = require("${id}");`, to: `const ${binding} = lazyRequire("${id}");` });

/**
 * `const <binding> = require("<id>");` read through a plain copy of the module's exports, made
 * when the file loads.
 * @param {string} binding
 * @param {string} id
 */
const copied = (binding, id) => ({ from: `const ${binding} = require("${id}");`, to: `const ${binding} = { ...require("${id}") };` });

/** @type {readonly DependencyPatch[]} */
export const DEPENDENCY_PATCHES = [
  // @apollo/gateway requires its anonymous usage-metrics code (OpenTelemetry JS 1.x: sdk-metrics,
  // four cloud resource detectors, the OTLP metrics exporter) when it loads, though it runs only
  // when APOLLO_TELEMETRY_DISABLED is not 'true' or '1', and our gateway sets '1' unless given a
  // value. Beside our tracing's OpenTelemetry 2.x, npm installs a copy of core, resources and
  // semantic-conventions 1.x under each of those packages: about 700 files and 10 MB of live
  // heap in every gateway, for code that does not run. The edit loads them on first use; with
  // telemetry on, Apollo's code loads and runs them as before.
  {
    packageName: '@apollo/gateway',
    version: '2.14.4',
    file: 'dist/utilities/opentelemetry.js',
    replacements: [
      {
        from: 'const api_1 = __importDefault(require("@opentelemetry/api"));',
        to: [
          '// Loaded on first use (see scripts/patchDependencies.mjs): only the usage-metrics functions below use them.',
          'function lazyRequire(id) {',
          '    let loaded;',
          '    return new Proxy({}, { get: (_, key) => (loaded ??= require(id))[key] });',
          '}',
          'const api_1 = __importDefault(require("@opentelemetry/api"));',
        ].join('\n'),
      },
      lazy('node_cpu_count_1', 'node-cpu-count'),
      lazy('incubating_1', '@opentelemetry/semantic-conventions/incubating'),
      lazy('sdk_metrics_1', '@opentelemetry/sdk-metrics'),
      lazy('resource_detector_alibaba_cloud_1', '@opentelemetry/resource-detector-alibaba-cloud'),
      lazy('resource_detector_aws_1', '@opentelemetry/resource-detector-aws'),
      lazy('resource_detector_gcp_1', '@opentelemetry/resource-detector-gcp'),
      lazy('resource_detector_azure_1', '@opentelemetry/resource-detector-azure'),
      lazy('resources_1', '@opentelemetry/resources'),
      lazy('exporter_metrics_otlp_http_1', '@opentelemetry/exporter-metrics-otlp-http'),
      // Read when the module loads, so the two names are written out: these are the values of ATTR_CLOUD_PROVIDER and ATTR_CLOUD_PLATFORM.
      {
        from: 'const ALLOWED_CLOUD_RESOURCE_ATTRIBUTES = new Set([\n    incubating_1.ATTR_CLOUD_PROVIDER,\n    incubating_1.ATTR_CLOUD_PLATFORM,\n]);',
        to: 'const ALLOWED_CLOUD_RESOURCE_ATTRIBUTES = new Set([\n    "cloud.provider",\n    "cloud.platform",\n]);',
      },
    ],
  },
  // The entry points of @apollo/federation-internals and @apollo/query-planner re-export
  // every name through a getter (TypeScript's `__exportStar`), on an object of 300-odd
  // properties that V8 keeps as a dictionary. Apollo Gateway's result shaping reads several
  // of those names for every value of an answer (`isListType`, `assert`, `typenameFieldName`…):
  // a loop reading two of them took 61–70 ns a turn against 8–12 from a plain copy, and V8
  // does not inline a function it reaches through a getter (bench/federation/README.md).
  // A copy made when the file loads holds the same values as plain properties. Both packages
  // are wholly loaded by then (neither requires the gateway), and none of their exports is
  // reassigned later (a test compares them after a gateway has run).
  {
    packageName: '@apollo/gateway',
    version: '2.14.4',
    file: 'dist/resultShaping.js',
    replacements: [copied('federation_internals_1', '@apollo/federation-internals')],
  },
  {
    packageName: '@apollo/gateway',
    version: '2.14.4',
    file: 'dist/executeQueryPlan.js',
    replacements: [copied('query_planner_1', '@apollo/query-planner'), copied('federation_internals_1', '@apollo/federation-internals')],
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
 * Applies one patch under `root`'s node_modules; returns the line for the install's output
 * (a warning when it could not). A package that is not installed is skipped.
 * @param {string} root
 * @param {DependencyPatch} patch
 * @returns {string}
 */
function patchOne(root, patch) {
  const dir = join(root, 'node_modules', patch.packageName);
  let version;
  try {
    version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return `${patch.packageName}: not installed, nothing to edit`;
  }
  const stale = `left as it is (update scripts/patchDependencies.mjs)`;
  if (version !== patch.version) return `warning: ${patch.packageName} is ${version}, the edit of ${patch.file} is for ${patch.version}: ${stale}`;
  try {
    const path = join(dir, patch.file);
    const outcome = applyDependencyPatch(readFileSync(path, 'utf8'), patch);
    if (outcome.status === 'mismatch') return `warning: ${patch.packageName}@${version}: ${outcome.reason}: ${stale}`;
    if (outcome.status === 'already') return `${patch.packageName}@${version}: ${patch.file} already edited`;
    writeFileSync(path, outcome.text);
    return `${patch.packageName}@${version}: edited ${patch.file}`;
  } catch (err) {
    // A read-only or half-written install: the dependency still works unedited.
    return `warning: ${patch.packageName}@${version}: could not edit ${patch.file} (${err instanceof Error ? err.message : String(err)}): left as it is`;
  }
}

/**
 * Applies every patch under `root`'s node_modules; one line per patch for the install's output.
 * @param {string} root
 * @param {readonly DependencyPatch[]} [patches]
 * @returns {string[]}
 */
export function patchDependencies(root, patches = DEPENDENCY_PATCHES) {
  return patches.map((patch) => patchOne(root, patch));
}

// Run as a script (npm's postinstall runs it from the project root): never fails the install.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const line of patchDependencies(process.argv[2] ?? process.cwd())) console.log(`patchDependencies: ${line}`);
}
