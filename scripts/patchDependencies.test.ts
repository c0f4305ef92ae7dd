import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { applyDependencyPatch, DEPENDENCY_PATCHES, PATCH_MARKER, patchDependencies, type DependencyPatch } from './patchDependencies.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const apolloPatch = DEPENDENCY_PATCHES.find((p) => p.file === 'dist/utilities/opentelemetry.js')!;
/** The edits that give Apollo Gateway's result shaping and plan execution plain copies of the modules they read per value. */
const copyPatches = DEPENDENCY_PATCHES.filter((p) => p.file === 'dist/resultShaping.js' || p.file === 'dist/executeQueryPlan.js');

/** The packages Apollo Gateway's usage metrics need, by the part of their path that names them. */
const METRICS_ONLY = ['/@opentelemetry/sdk-metrics/', '/@opentelemetry/resource-detector-', '/@opentelemetry/exporter-metrics-otlp-http/', '/@opentelemetry/resources/', '/node-cpu-count/', 'index-incubating'];

/** Loads @apollo/gateway in a process of its own (optionally constructs a gateway), and lists what it loaded. */
function loadedByApolloGateway(script: string, env: Record<string, string>): string[] {
  const run = spawnSync(process.execPath, ['-e', `const gw = require('@apollo/gateway'); ${script}; console.log(JSON.stringify(Object.keys(require.cache))); process.exit(0)`], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as string[];
}

/** A file holding exactly what a patch expects to find, each part once, with something around it. */
function expectedText(patch: DependencyPatch): string {
  return ['"use strict";', ...patch.replacements.map((r) => `${r.from}\nconsole.log(1);`)].join('\n');
}

describe('patchDependencies (npm postinstall)', () => {
  it('this install is edited: loading @apollo/gateway with its telemetry off loads none of its usage-metrics packages', () => {
    const installed = readFileSync(join(root, 'node_modules', apolloPatch.packageName, apolloPatch.file), 'utf8');
    expect(installed.startsWith(PATCH_MARKER), 'the postinstall has not run on this node_modules: run `node scripts/patchDependencies.mjs` (or npm ci)').toBe(true);
    const loaded = loadedByApolloGateway('', { APOLLO_TELEMETRY_DISABLED: '1' });
    expect(loaded.some((f) => f.includes('/@opentelemetry/api/'))).toBe(true);
    expect(loaded.filter((f) => METRICS_ONLY.some((part) => f.includes(part)))).toEqual([]);
  }, 60_000);

  it('with Apollo telemetry on, Apollo Gateway still builds its meter provider: the packages load on first use', () => {
    const supergraph = JSON.stringify(readFileSync(join(root, 'schema/supergraph.graphql'), 'utf8'));
    // The process exits (process.exit) before the cloud detectors' probes or the hourly export could go anywhere.
    const loaded = loadedByApolloGateway(`new gw.ApolloGateway({ supergraphSdl: ${supergraph}, logger: { debug() {}, info() {}, warn() {}, error() {} } })`, { APOLLO_TELEMETRY_DISABLED: '' });
    for (const part of ['/@opentelemetry/sdk-metrics/', '/@opentelemetry/resource-detector-aws/', '/@opentelemetry/exporter-metrics-otlp-http/']) {
      expect(loaded.some((f) => f.includes(part)), part).toBe(true);
    }
  }, 60_000);

  it('this install is edited: result shaping and plan execution read federation-internals and the query planner from plain copies', () => {
    expect(copyPatches.map((p) => p.file)).toEqual(['dist/resultShaping.js', 'dist/executeQueryPlan.js']);
    for (const patch of copyPatches) {
      const installed = readFileSync(join(root, 'node_modules', patch.packageName, patch.file), 'utf8');
      expect(installed.startsWith(PATCH_MARKER), `${patch.file}: run \`node scripts/patchDependencies.mjs\` (or npm ci)`).toBe(true);
      expect(installed).toContain('const federation_internals_1 = { ...require("@apollo/federation-internals") };');
      expect(installed).not.toMatch(/= require\("@apollo\/(federation-internals|query-planner)"\);/);
    }
  });

  it('what the copies hold stays true: no export of either package changes once it has loaded, even after a gateway has answered', () => {
    // The copies are taken when @apollo/gateway loads; a getter that later returned something
    // else (an export reassigned on first use) would leave them stale. Compared after a real
    // query plan has run through result shaping.
    const supergraph = JSON.stringify(readFileSync(join(root, 'schema/supergraph.graphql'), 'utf8'));
    const script = `
      const ids = ['@apollo/federation-internals', '@apollo/query-planner'];
      const before = ids.map((id) => ({ ...require(id) }));
      const { ApolloGateway } = require('@apollo/gateway');
      const { parse } = require('graphql');
      const gateway = new ApolloGateway({
        supergraphSdl: ${supergraph},
        logger: { debug() {}, info() {}, warn() {}, error() {} },
        buildService: () => ({ process: async () => ({ data: { products: { edges: [], pageInfo: { endCursor: null, hasNextPage: false } } } }) }),
      });
      gateway.load().then(async ({ executor, schema }) => {
        const source = '{ products(first: 1) { edges { node { id } } pageInfo { hasNextPage } } }';
        const document = parse(source);
        const result = await executor({ request: { query: source }, document, source, operation: document.definitions[0], schema, context: {}, metrics: {}, overallCachePolicy: { restrict() {} }, queryHash: 'x' });
        const changed = ids.flatMap((id, i) => Object.keys(before[i]).filter((k) => require(id)[k] !== before[i][k]).map((k) => id + '.' + k));
        const added = ids.flatMap((id, i) => Object.keys(require(id)).filter((k) => !(k in before[i])).map((k) => id + '.' + k));
        console.log(JSON.stringify({ data: result.data, errors: result.errors, changed, added }));
        process.exit(0);
      });`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: root, env: { PATH: process.env.PATH ?? '', APOLLO_TELEMETRY_DISABLED: '1' }, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const outcome = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { data: unknown; errors: unknown; changed: string[]; added: string[] };
    expect(outcome.errors).toBeUndefined();
    expect(outcome.data).toEqual({ products: { edges: [], pageInfo: { hasNextPage: false } } });
    expect(outcome.changed).toEqual([]);
    expect(outcome.added).toEqual([]);
  }, 60_000);

  it('this install is edited: a gateway on a composed supergraph, with a fetcher of its own, answers without loading what it does not use; traces still work', () => {
    // A query through Apollo's RemoteGraphQLDataSource (its constructor given a fetcher) and plan
    // execution, first as our gateway runs (no usage reporting), then capturing traces as usage
    // reporting would: the trace of the plan is built as before, and only then is the protobuf loaded.
    const supergraph = JSON.stringify(readFileSync(join(root, 'schema/supergraph.graphql'), 'utf8'));
    const script = `
      const { ApolloGateway, RemoteGraphQLDataSource } = require('@apollo/gateway');
      const { parse } = require('graphql');
      const loaded = (part) => Object.keys(require.cache).some((f) => f.includes(part));
      const unused = ['/make-fetch-happen/', '/@apollo/composition/', '/@apollo/usage-reporting-protobuf/', '/ts-graphviz/', '/whatwg-url/', '/tr46/'];
      const answer = { data: { products: { edges: [{ node: { id: 'p1' } }], pageInfo: { hasNextPage: false } } } };
      const fetcher = async () => ({ ok: true, status: 200, headers: { get: (name) => (name.toLowerCase() === 'content-type' ? 'application/json' : null) }, json: async () => answer, text: async () => JSON.stringify(answer) });
      const gateway = new ApolloGateway({
        supergraphSdl: ${supergraph},
        logger: { debug() {}, info() {}, warn() {}, error() {} },
        buildService: ({ url }) => new RemoteGraphQLDataSource({ url, fetcher }),
      });
      gateway.load().then(async ({ executor, schema }) => {
        const source = '{ products(first: 1) { edges { node { id } } pageInfo { hasNextPage } } }';
        const document = parse(source);
        const run = (metrics) => executor({ request: { query: source, variables: {} }, document, source, operation: document.definitions[0], schema, context: {}, metrics, overallCachePolicy: { restrict() {} }, queryHash: 'x', logger: console });
        const untraced = await run({});
        const loadedUntraced = unused.filter(loaded);
        const metrics = { captureTraces: true, startHrTime: process.hrtime() };
        const traced = await run(metrics);
        const trace = metrics.queryPlanTrace;
        console.log(JSON.stringify({
          untraced, traced, loadedUntraced,
          trace: trace && { kind: trace.constructor.name, fetch: trace.fetch && trace.fetch.serviceName },
          protobufAfterTrace: loaded('/@apollo/usage-reporting-protobuf/'),
          defaultFetcherLoads: typeof new RemoteGraphQLDataSource({ url: 'http://127.0.0.1:1/' }).fetcher === 'function' && loaded('/make-fetch-happen/'),
        }));
        process.exit(0);
      });`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: root, env: { PATH: process.env.PATH ?? '', APOLLO_TELEMETRY_DISABLED: '1' }, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const outcome = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    const data = { products: { edges: [{ node: { id: 'p1' } }], pageInfo: { hasNextPage: false } } };
    expect(outcome.untraced).toEqual({ data });
    expect(outcome.loadedUntraced).toEqual([]);
    expect(outcome.traced).toEqual({ data });
    expect(outcome.trace).toEqual({ kind: 'QueryPlanNode', fetch: 'catalog' });
    expect(outcome.protobufAfterTrace).toBe(true);
    // A data source given no fetcher still gets Apollo's default.
    expect(outcome.defaultFetcherLoads).toBe(true);
  }, 60_000);

  it('edits text that holds each expected part once, marks it, and leaves a marked text alone', () => {
    const outcome = applyDependencyPatch(expectedText(apolloPatch), apolloPatch);
    expect(outcome.status).toBe('applied');
    const text = outcome.status === 'applied' ? outcome.text : '';
    expect(text.startsWith(`${PATCH_MARKER}\n"use strict";`)).toBe(true);
    expect(text).toContain('require("@opentelemetry/sdk-metrics"))[key]');
    expect(text).not.toContain('require("@opentelemetry/sdk-metrics")\n');
    expect(text).not.toContain('incubating_1.ATTR_CLOUD_PROVIDER');
    expect(applyDependencyPatch(text, apolloPatch)).toEqual({ status: 'already' });
  });

  it('refuses text where an expected part is missing or found twice, naming it', () => {
    const missing = expectedText(apolloPatch).replace('require("@opentelemetry/sdk-metrics")', 'require("@opentelemetry/sdk-metrics-v2")');
    expect(applyDependencyPatch(missing, apolloPatch)).toEqual({ status: 'mismatch', reason: expect.stringContaining('found it 0 times') });
    const twice = `${expectedText(apolloPatch)}\nconst node_cpu_count_1 = require("node-cpu-count");`;
    const outcome = applyDependencyPatch(twice, apolloPatch);
    expect(outcome).toEqual({ status: 'mismatch', reason: expect.stringContaining('require(\\"node-cpu-count\\")') });
    expect(outcome).toEqual({ status: 'mismatch', reason: expect.stringContaining('found it 2 times') });
    // A require wrapped by TypeScript's interop helpers would not work through the proxy: not edited.
    const wrapped = expectedText(apolloPatch).replace('const sdk_metrics_1 = require("@opentelemetry/sdk-metrics");', 'const sdk_metrics_1 = __importStar(require("@opentelemetry/sdk-metrics"));');
    expect(applyDependencyPatch(wrapped, apolloPatch)).toEqual({ status: 'mismatch', reason: expect.stringContaining('found it 0 times') });
  });

  describe('on an install', () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });

    function install(version: string, text: string): string {
      dir = mkdtempSync(join(tmpdir(), 'patch-deps-'));
      const pkg = join(dir, 'node_modules', apolloPatch.packageName);
      mkdirSync(dirname(join(pkg, apolloPatch.file)), { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: apolloPatch.packageName, version }));
      writeFileSync(join(pkg, apolloPatch.file), text);
      return join(pkg, apolloPatch.file);
    }

    it('edits the version it knows once, and says so; a second run changes nothing', () => {
      const file = install(apolloPatch.version, expectedText(apolloPatch));
      expect(patchDependencies(dir!, [apolloPatch])).toEqual([`@apollo/gateway@${apolloPatch.version}: edited ${apolloPatch.file}`]);
      const once = readFileSync(file, 'utf8');
      expect(once.startsWith(PATCH_MARKER)).toBe(true);
      expect(patchDependencies(dir!, [apolloPatch])).toEqual([`@apollo/gateway@${apolloPatch.version}: ${apolloPatch.file} already edited`]);
      expect(readFileSync(file, 'utf8')).toBe(once);
    });

    it('leaves another version, or a file it does not recognise, as it is, with a warning', () => {
      const other = install('2.99.0', expectedText(apolloPatch));
      const [result] = patchDependencies(dir!, [apolloPatch]);
      expect(result).toMatch(/^warning: @apollo\/gateway is 2\.99\.0, the edit of .* is for 2\.14\.4: left as it is/);
      expect(readFileSync(other, 'utf8')).toBe(expectedText(apolloPatch));
      rmSync(dir!, { recursive: true, force: true });

      const changed = install(apolloPatch.version, 'module.exports = {};');
      const [mismatch] = patchDependencies(dir!, [apolloPatch]);
      expect(mismatch).toMatch(/^warning: @apollo\/gateway@2\.14\.4: expected .* found it 0 times: left as it is/);
      expect(readFileSync(changed, 'utf8')).toBe('module.exports = {};');
      rmSync(dir!, { recursive: true, force: true });

      // Neither readable nor writable as a file (a folder in its place): a warning, not a failed install.
      const folder = install(apolloPatch.version, '');
      rmSync(folder);
      mkdirSync(folder);
      expect(patchDependencies(dir!, [apolloPatch])).toEqual([expect.stringMatching(/^warning: @apollo\/gateway@2\.14\.4: could not edit dist\/utilities\/opentelemetry\.js \(EISDIR/)]);
    });

    it('skips a package that is not installed; run as a script it never fails the install', () => {
      dir = mkdtempSync(join(tmpdir(), 'patch-deps-'));
      expect(patchDependencies(dir, [apolloPatch])).toEqual(['@apollo/gateway: not installed, nothing to edit']);
      const run = spawnSync(process.execPath, [join(root, 'scripts/patchDependencies.mjs'), dir], { encoding: 'utf8', timeout: 20_000 });
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(DEPENDENCY_PATCHES.map((p) => `patchDependencies: ${p.packageName}: not installed, nothing to edit\n`).join(''));
    });
  });
});
