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
 * `const <binding> = require("<id>");` made lazy: a proxy that requires `<id>` when one of its
 * exports is first read. Only for bindings read as `<binding>.<name>`. The whole statement, so
 * that a require wrapped in `__importStar` or `__importDefault` (which would read the module at
 * once, or copy no keys from the proxy) is a mismatch, not an edit.
 * @param {string} binding
 * @param {string} id
 */
const lazy = (binding, id) => ({
  from: `const ${binding} = require("${id}");`,
  to: `let ${binding}_loaded; // loaded on first use (scripts/patchDependencies.mjs)\nconst ${binding} = new Proxy({}, { get: (_, key) => (${binding}_loaded ??= require("${id}"))[key] });`,
});

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
  // Plan execution builds a usage-reporting trace node (a protobuf message) for every node of
  // every query plan, and keeps them only when the request captures traces (usage reporting,
  // with APOLLO_KEY). The edit skips them otherwise, so the protobuf package (0.8 MB of live heap)
  // loads only with usage reporting: every MB a gateway holds costs it about 4 at its peak
  // (bench/federation/README.md). With traces captured, the original function runs as before.
  {
    packageName: '@apollo/gateway',
    version: '2.14.4',
    file: 'dist/executeQueryPlan.js',
    replacements: [
      copied('query_planner_1', '@apollo/query-planner'),
      copied('federation_internals_1', '@apollo/federation-internals'),
      lazy('usage_reporting_protobuf_1', '@apollo/usage-reporting-protobuf'),
      {
        from: 'async function executeNode(context, node, currentCursor, captureTraces, telemetryConfig) {\n    if (!currentCursor) {',
        to: [
          '// Without traces (scripts/patchDependencies.mjs): what executeNode does, minus its trace nodes.',
          'async function executeNodeUntraced(context, node, currentCursor, telemetryConfig) {',
          '    if (!currentCursor) {',
          '        return undefined;',
          '    }',
          '    switch (node.kind) {',
          "        case 'Sequence': {",
          '            for (const childNode of node.nodes) {',
          '                await executeNodeUntraced(context, childNode, currentCursor, telemetryConfig);',
          '            }',
          '            return undefined;',
          '        }',
          "        case 'Parallel': {",
          '            await Promise.all(node.nodes.map(async (childNode) => executeNodeUntraced(context, childNode, currentCursor, telemetryConfig)));',
          '            return undefined;',
          '        }',
          "        case 'Flatten': {",
          '            await executeNodeUntraced(context, node.node, moveIntoCursor(currentCursor, node.path), telemetryConfig);',
          '            return undefined;',
          '        }',
          "        case 'Fetch': {",
          '            try {',
          '                await executeFetch(context, node, currentCursor, null, telemetryConfig);',
          '            }',
          '            catch (error) {',
          '                context.errors.push(error);',
          '            }',
          '            return undefined;',
          '        }',
          "        case 'Condition': {",
          '            const condition = (0, query_planner_1.evaluateCondition)(node, context.operation.variableDefinitions, context.requestContext.request.variables);',
          '            const pickedBranch = condition ? node.ifClause : node.elseClause;',
          '            if (pickedBranch) {',
          '                await executeNodeUntraced(context, pickedBranch, currentCursor, telemetryConfig);',
          '            }',
          '            return undefined;',
          '        }',
          "        case 'Defer': {",
          '            (0, federation_internals_1.assert)(false, `@defer support is not available in the gateway`);',
          '        }',
          '    }',
          '}',
          'async function executeNode(context, node, currentCursor, captureTraces, telemetryConfig) {',
          '    if (!captureTraces) {',
          '        return executeNodeUntraced(context, node, currentCursor, telemetryConfig);',
          '    }',
          '    if (!currentCursor) {',
        ].join('\n'),
      },
    ],
  },
  // RemoteGraphQLDataSource makes a make-fetch-happen fetcher in its constructor, before the
  // config's own `fetcher` replaces it; the Uplink manager requires the package when it loads.
  // Our data sources bring their own fetcher and the supergraph is a file, so none of it runs:
  // 148 files and 2.7 MB of live heap. The edits load it only to make a default fetcher.
  {
    packageName: '@apollo/gateway',
    version: '2.14.4',
    file: 'dist/datasources/RemoteGraphQLDataSource.js',
    replacements: [
      {
        // What __importDefault makes of a CommonJS module, read when first used.
        from: 'const make_fetch_happen_1 = __importDefault(require("make-fetch-happen"));',
        to: 'const make_fetch_happen_1 = { get default() { return require("make-fetch-happen"); } }; // loaded on first use (scripts/patchDependencies.mjs)',
      },
      {
        from: '        this.fetcher = make_fetch_happen_1.default.defaults({',
        to: '        if (!(config === null || config === void 0 ? void 0 : config.fetcher)) this.fetcher = make_fetch_happen_1.default.defaults({',
      },
    ],
  },
  {
    packageName: '@apollo/gateway',
    version: '2.14.4',
    file: 'dist/supergraphManagers/UplinkSupergraphManager/index.js',
    replacements: [
      {
        // Read only as makeFetchHappen.defaults, which __importStar copies from the module.
        from: 'const makeFetchHappen = __importStar(require("make-fetch-happen"));',
        to: 'const makeFetchHappen = { defaults: (...args) => require("make-fetch-happen").defaults(...args) }; // loaded on first use (scripts/patchDependencies.mjs)',
      },
    ],
  },
  // Composition runs only when the gateway composes the supergraph itself (a service list, or
  // introspection); ours reads a composed file. 0.5 MB of live heap, loaded on first use.
  ...['LocalCompose', 'IntrospectAndCompose', 'LegacyFetcher'].map((manager) => ({
    packageName: '@apollo/gateway',
    version: '2.14.4',
    file: `dist/supergraphManagers/${manager}/index.js`,
    replacements: [lazy('composition_1', '@apollo/composition')],
  })),
  // Graphviz output of query graphs, for debugging: 0.4 MB of live heap, loaded on first use.
  {
    packageName: '@apollo/query-graphs',
    version: '2.14.4',
    file: 'dist/graphviz.js',
    replacements: [lazy('ts_graphviz_1', 'ts-graphviz')],
  },
  // node-fetch (Apollo's Headers) requires whatwg-url, and with it tr46's mapping tables, for a
  // URL class it uses only where Node has none: 1.7 MB of live heap. Read only as whatwgUrl.URL.
  {
    packageName: 'node-fetch',
    version: '2.7.0',
    file: 'lib/index.js',
    replacements: [
      {
        from: "var whatwgUrl = _interopDefault(require('whatwg-url'));",
        to: "var whatwgUrl = { get URL() { return require('whatwg-url').URL; } }; // loaded on first use (scripts/patchDependencies.mjs)",
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
