/**
 * `npm run bench:federation [-- --runs N --duration S --warmup S --connections N --variant identical|varied --ref <commit> --node-flags="<V8 flags>"]`:
 * The Guild's federation-gateway benchmark (bench/federation/README.md) on this machine, plain
 * Apollo Gateway against ours with every protection on, in one run. Each cell of the matrix
 * (gateway × variant) is a fresh gateway process pinned to CPU 1; this process (autocannon)
 * and the subgraphs run on CPU 0. Prints a side-by-side table per variant and run, the
 * medians over runs, and writes everything to .test-output/bench/federation.json.
 * Environment: BENCH_RUNS, BENCH_DURATION_S, BENCH_WARMUP_S, BENCH_CONNECTIONS (flags win).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseGatewayConfig } from '../../gateway/src/config.js';
import { generateIdentityKeys } from '../../platform/identity/generateIdentityKeys.js';
import { SERVICE_NODE_FLAGS } from '../../platform/registry/services.js';
import { buildProduction } from '../../scripts/build/buildProduction.js';
import { benchVariants, type BenchVariant } from './benchQueries.js';
import { benchSupergraphDrift } from './benchSupergraph.js';
import { apolloGatewayLaunch, gatewayIds, oursLaunch, withNodeFlags, type GatewayId } from './benchGateways.js';
import { federationTable, medianFigures } from './federationTable.js';
import { measureCell, type CellFigures } from './measureCell.js';
import { parseNodeFlags } from './parseNodeFlags.js';
import { BENCH_OVERRIDES, oursGatewayEnv } from './oursGatewayEnv.js';
import { killPinnedProcesses, startPinnedProcess } from './startPinnedProcess.js';
import { subgraphsClient } from './subgraphsClient.js';
import type { BenchSubgraphName } from './subgraphs/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const OUT_FILE = join(root, '.test-output/bench/federation.json');
const LOAD_CPU = 0;
const GATEWAY_CPU = 1;

function fail(message: string): never {
  console.error(`bench:federation: ${message}`);
  process.exit(1);
}

const { values: flags } = (() => {
  try {
    return parseArgs({
      options: {
        runs: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        variant: { type: 'string', multiple: true },
        ref: { type: 'string' },
        'node-flags': { type: 'string' },
      },
      strict: true,
    });
  } catch (err) {
    return fail((err as Error).message);
  }
})();

function positive(name: string, flag: string | undefined, env: string | undefined, fallback: number): number {
  const raw = flag ?? env;
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) fail(`${name}: expected a whole number ≥ 1, got "${raw}"`);
  return value;
}
const runs = positive('--runs', flags.runs, process.env.BENCH_RUNS, 1);
const load = {
  durationS: positive('--duration', flags.duration, process.env.BENCH_DURATION_S, 15),
  warmupS: positive('--warmup', flags.warmup, process.env.BENCH_WARMUP_S, 5),
  connections: positive('--connections', flags.connections, process.env.BENCH_CONNECTIONS, 10),
};
const variants = (flags.variant ?? benchVariants).map((v) => {
  if (!(benchVariants as readonly string[]).includes(v)) fail(`--variant: expected ${benchVariants.join(' or ')}, got "${v}"`);
  return v as BenchVariant;
});

// The same node flags for both gateways: the young generation our image pins (so that memory and
// CPU compare code, not V8's sizing), then --node-flags, e.g. the old generation of the gateway's
// container, --max-old-space-size=384 (a later flag wins). Without it, V8 sizes both heaps from
// the machine, as in a container without a memory limit.
const nodeFlags = (() => {
  try {
    return [...SERVICE_NODE_FLAGS, ...parseNodeFlags(flags['node-flags'])];
  } catch (err) {
    return fail(`--node-flags: ${(err as Error).message}`);
  }
})();

if (availableParallelism() < 2) fail('needs 2 CPUs: the gateway on one, the load and the subgraphs on the other');
const drift = benchSupergraphDrift();
if (drift !== undefined) fail(drift);

// This process is the load generator: on the load CPU, every thread.
execFileSync('taskset', ['-a', '-pc', String(LOAD_CPU), String(process.pid)], { stdio: 'ignore' });

const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const baselineDir = join(root, 'bench/federation/baseline');
if (!existsSync(join(baselineDir, 'node_modules'))) {
  console.log('installing the baseline (npm ci --prefix bench/federation/baseline)…');
  execFileSync('npm', ['ci', '--prefix', baselineDir, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

// Ours as the image runs it: compiled, from this checkout or, with --ref, from that commit alone.
let worktree: string | undefined;
const removeWorktree = () => {
  if (worktree === undefined) return;
  execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: root, stdio: 'ignore' });
  rmSync(worktree, { recursive: true, force: true });
  worktree = undefined;
};
process.once('SIGINT', () => {
  killPinnedProcesses();
  removeWorktree();
  process.exit(130);
});
let source = root;
let commit = git('rev-parse', 'HEAD');
let uncommitted: string[] = [];
if (flags.ref !== undefined) {
  commit = git('rev-parse', '--verify', `${flags.ref}^{commit}`);
  worktree = mkdtempSync(join(tmpdir(), 'bench-federation-'));
  execFileSync('git', ['worktree', 'add', '--detach', worktree, commit], { cwd: root, stdio: 'ignore' });
  symlinkSync(join(root, 'node_modules'), join(worktree, 'node_modules'));
  source = worktree;
} else {
  uncommitted = git('status', '--porcelain', '--', 'gateway', 'platform').split('\n').filter((line) => line !== '');
}
console.log(`building ours (${flags.ref === undefined ? 'this checkout' : `commit ${commit.slice(0, 10)}`})…`);
const { outDir: distDir } = buildProduction({ root: source, outDir: join(source === root ? join(root, '.test-output/bench/federation') : source, 'dist'), typeCheck: false });

const { privateJwk } = await generateIdentityKeys();
const subgraphsProc = await startPinnedProcess({
  name: 'bench subgraphs',
  cpu: LOAD_CPU,
  args: ['--import', 'tsx', 'bench/federation/subgraphsProcess.ts'],
  cwd: root,
  env: {},
  ready: (line) => (line.startsWith('{"urls"') ? (JSON.parse(line) as { urls: Record<BenchSubgraphName, string> }).urls : undefined),
});
const subgraphUrls = subgraphsProc.ready;
const launches = {
  'apollo-gateway': withNodeFlags(apolloGatewayLaunch(subgraphUrls), nodeFlags),
  ours: withNodeFlags(oursLaunch({ distDir, subgraphUrls, identityPrivateKey: privateJwk }), nodeFlags),
} satisfies Record<GatewayId, unknown>;

const oursConfig = parseGatewayConfig(oursGatewayEnv({ subgraphUrls, identityPrivateKey: privateJwk }));
console.log(
  [
    '',
    `Federation benchmark: ${runs} run(s) × ${variants.join(', ')} × apollo-gateway, ours; ${load.warmupS} s warm-up + ${load.durationS} s measured per cell, ${load.connections} connections.`,
    `Gateway pinned to CPU ${GATEWAY_CPU}, a fresh process per cell; load generator and subgraphs on CPU ${LOAD_CPU} (${cpus()[0]?.model ?? 'unknown CPU'}); node ${process.version}.`,
    `Ours: commit ${commit}${uncommitted.length > 0 ? ` plus uncommitted changes in ${uncommitted.length} file(s) of gateway/ and platform/ (pass --ref HEAD to measure the commit alone)` : ''}.`,
    `Ours runs with NODE_ENV=production, an identity signing key, info logs, in-memory rate limits and APQ; query limits at their defaults (depth ${oursConfig.limitMaxDepth}, aliases ${oursConfig.limitMaxAliases}, directives ${oursConfig.limitMaxDirectives}, tokens ${oursConfig.limitMaxTokens}, cost ${oursConfig.limitMaxCost}): the heavy query fits, none raised.`,
    ...BENCH_OVERRIDES.map(({ env, value, why }) => `Raised: ${env}=${value}: ${why}.`),
    `Both gateways run with node ${nodeFlags.join(' ')} (${SERVICE_NODE_FLAGS.join(' ')}: as our image runs every service; the heap sized by V8 from the machine unless --node-flags sets it).`,
    '',
  ].join('\n'),
);

const cells: CellFigures[][] = [];
const reference = new Map<BenchVariant, { gateway: GatewayId; data: string }>();
try {
  for (let run = 1; run <= runs; run++) {
    // A/B then B/A: drift of the machine over time hits both gateways alike.
    const order: readonly GatewayId[] = run % 2 === 1 ? gatewayIds : [...gatewayIds].reverse();
    const figures: CellFigures[] = [];
    for (const variant of variants) {
      for (const gateway of order) {
        process.stdout.write(`run ${run}: ${gateway}, ${variant}…\n`);
        const { figures: cell, checkData } = await measureCell({
          gateway,
          variant,
          launch: launches[gateway],
          cwd: root,
          cpu: GATEWAY_CPU,
          subgraphs: subgraphsClient(subgraphUrls),
          subgraphsPid: subgraphsProc.pid,
          load,
        });
        const data = JSON.stringify(checkData);
        const first = reference.get(variant);
        if (first === undefined) reference.set(variant, { gateway, data });
        else if (first.data !== data) throw new Error(`${variant}: ${gateway}'s answer differs from ${first.gateway}'s (${data.length} against ${first.data.length} characters of data)`);
        figures.push(cell);
      }
    }
    cells.push(figures);
    for (const variant of variants) {
      const pick = (gateway: GatewayId) => figures.find((f) => f.gateway === gateway && f.variant === variant)!;
      console.log(`\nrun ${run}, ${variant} (answers of both gateways equal):\n${federationTable(pick('apollo-gateway'), pick('ours'))}\n`);
    }
  }
} finally {
  await subgraphsProc.stop();
  removeWorktree();
}

const summary = variants.map((variant) => {
  const median = (gateway: GatewayId) => medianFigures(cells.map((run) => run.find((f) => f.gateway === gateway && f.variant === variant)!));
  return { variant, apollo: median('apollo-gateway'), ours: median('ours') };
});
if (runs > 1) {
  for (const { variant, apollo, ours } of summary) console.log(`\nmedian of ${runs} runs (failure counts summed), ${variant}:\n${federationTable(apollo, ours)}\n`);
}
const GOALS: Record<BenchVariant, number> = { identical: 2, varied: 1.5 };
console.log('Against the goals of issue 12 (medians):');
for (const { variant, apollo, ours } of summary) {
  const cpu = ours.requestsPerGatewayCpuS / apollo.requestsPerGatewayCpuS;
  const rss = ours.peakRssMiB / apollo.peakRssMiB;
  console.log(
    `  ${variant}: ${cpu.toFixed(2)}× Apollo Gateway's requests per gateway CPU-second (goal ≥ ${GOALS[variant]}×: ${cpu >= GOALS[variant] ? 'met' : 'not met'}); peak RSS ${rss.toFixed(2)}× (goal ≤ 1×: ${rss <= 1 ? 'met' : 'not met'})`,
  );
}

mkdirSync(join(root, '.test-output/bench'), { recursive: true });
writeFileSync(
  OUT_FILE,
  `${JSON.stringify({ date: new Date().toISOString(), commit, ref: flags.ref ?? null, uncommitted, node: process.version, cpu: cpus()[0]?.model, load, variants, overrides: BENCH_OVERRIDES, nodeFlags, runs: cells, medians: summary }, null, 2)}\n`,
);
console.log(`\nours at commit ${commit}${uncommitted.length > 0 ? ' plus uncommitted changes' : ''}; wrote ${OUT_FILE}`);
const failed = cells.flat().filter((f) => f.non2xx + f.graphqlErrors + f.socketErrors > 0);
if (failed.length > 0) {
  console.error(`\n${failed.length} cell(s) had failed requests (non-2xx, GraphQL errors or socket errors): their figures are not comparable`);
  process.exit(1);
}
