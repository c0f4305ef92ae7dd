/**
 * `npm run bench:observability`: what metrics and traces cost on the home-screen query.
 * Configurations of the same stack (bench/stackProcess.ts: sandbox, subgraphs and
 * gateway in one process, caches and batching on), measured in one run, in interleaved
 * rounds so that a machine that gets busier halfway hurts every column alike:
 *   baseline         the code at BENCH_BASELINE_REF (default: the commit before metrics and
 *                    traces existed), checked out in a temporary git worktree
 *   metrics          this code: every metric recorded, tracing off (no OTEL_* variables)
 *   traces 0%        this code with tracing registered (OTEL_EXPORTER_OTLP_ENDPOINT) and the
 *                    always_off sampler: the cost paid before any span is recorded
 *   traces 10%       this code with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a loopback OTLP
 *                    receiver in this process, one request in ten traced (a production setting)
 *   traces 100%      the same, every span of every request exported (the worst case)
 * Prints requests/s, p50, p99 and the stack's CPU-seconds per 1,000 requests (read from
 * /proc: the figure that holds on a noisy machine), and each against the baseline.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { operation } from '../test/harness/operations.js';
import { cpuSeconds } from './procStats.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LATENCY_MS = Number(process.env.BENCH_VENDOR_LATENCY_MS ?? 20);
// The last commit before metrics and traces (issue 10's first commit is its child).
const BASELINE_REF = process.env.BENCH_BASELINE_REF ?? 'fa4a56f';
const root = fileURLToPath(new URL('..', import.meta.url));
const body = JSON.stringify({ query: operation('HomeScreen') });

const configs = ['baseline', 'metrics', 'traces 0%', 'traces 10%', 'traces 100%'] as const;
/**
 * The sampler of each traced configuration: 0% is what tracing costs before any span is
 * recorded (context propagation, spans that record nothing); 10% is a production setting;
 * 100% the worst case.
 */
const SAMPLED: Partial<Record<(typeof configs)[number], readonly [sampler: string, ratio?: string]>> = {
  // No ratio: a ratio given to a sampler that takes none is a warning on the stack's stdout, where this script reads its URL.
  'traces 0%': ['always_off'],
  'traces 10%': ['parentbased_traceidratio', '0.1'],
  'traces 100%': ['parentbased_traceidratio', '1'],
};
type Config = (typeof configs)[number];

interface Run {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  cpuS: number;
  failed: number;
}

/** A loopback OTLP/HTTP receiver: accepts every export, counts requests and bytes. */
async function startOtlpReceiver() {
  let exports = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      if (req.url?.startsWith('/v1/traces')) exports++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stats: () => ({ exports, bytes }), close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The baseline's code in a temporary worktree, sharing this checkout's node_modules (a superset of what it needs). */
function checkoutBaseline(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-baseline-'));
  execFileSync('git', ['worktree', 'add', '--detach', dir, BASELINE_REF], { cwd: root, stdio: 'ignore' });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return {
    dir,
    remove() {
      execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function measure(config: Config, cwd: string, otlpUrl: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_MODE: 'full', BENCH_VENDOR_LATENCY_MS: String(LATENCY_MS), APOLLO_TELEMETRY_DISABLED: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_')) delete env[key];
  const sampling = SAMPLED[config];
  // The gateway starts every trace (TRACE_CLIENT_CONTEXT=link), so its ratio decides for the whole request.
  if (sampling !== undefined) {
    Object.assign(env, { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, OTEL_TRACES_SAMPLER: sampling[0] });
    if (sampling[1] !== undefined) env.OTEL_TRACES_SAMPLER_ARG = sampling[1];
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/stackProcess.ts'], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    // The stack prints one line when it is up; should it die first, say so rather than wait forever.
    const line = await Promise.race([
      once(createInterface({ input: child.stdout! }), 'line').then(([l]) => l as string),
      once(child, 'exit').then(([code]) => Promise.reject(new Error(`${config}: the stack exited (${String(code)}) before it was up`))),
    ]);
    const { gatewayUrl } = JSON.parse(line) as { gatewayUrl: string };
    const post = () => fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const first = (await (await post()).json()) as { errors?: unknown[] };
    if (first.errors) throw new Error(`${config}: the home screen failed: ${JSON.stringify(first.errors).slice(0, 300)}`);
    // Warm: caches filled, code paths compiled.
    await autocannon({ url: gatewayUrl, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, duration: 2 });
    const cpuBefore = cpuSeconds(child.pid!);
    const result = await autocannon({ url: gatewayUrl, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, duration: DURATION_S });
    const cpuS = cpuSeconds(child.pid!) - cpuBefore;
    return { requests: result.requests.total, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpuS, failed: result.errors + result.non2xx };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
}

const receiver = await startOtlpReceiver();
const baseline = checkoutBaseline();
// Ctrl-C skips `finally`: the temporary worktree must not stay registered in this checkout.
process.once('SIGINT', () => {
  baseline.remove();
  process.exit(130);
});
const runs = Object.fromEntries(configs.map((c) => [c, [] as Run[]])) as Record<Config, Run[]>;
try {
  console.log(
    `Observability cost on the home screen: ${ROUNDS} rounds × ${DURATION_S} s per configuration, ${CONNECTIONS} connections, vendors at ${LATENCY_MS} ms, warm caches, loopback; baseline = ${BASELINE_REF}.\n`,
  );
  for (let round = 1; round <= ROUNDS; round++) {
    for (const config of configs) {
      process.stdout.write(`round ${round}: ${config}…\n`);
      runs[config].push(await measure(config, config === 'baseline' ? baseline.dir : root, receiver.url));
    }
  }
} finally {
  baseline.remove();
  await receiver.close();
}

const total = (config: Config) => {
  const list = runs[config];
  const requests = list.reduce((a, r) => a + r.requests, 0);
  const median = (pick: (r: Run) => number) => [...list].map(pick).sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  return {
    rps: median((r) => r.rps),
    p50: median((r) => r.p50),
    p99: median((r) => r.p99),
    cpuPer1k: (list.reduce((a, r) => a + r.cpuS, 0) / requests) * 1000,
    failed: list.reduce((a, r) => a + r.failed, 0),
  };
};
const figures = Object.fromEntries(configs.map((c) => [c, total(c)])) as Record<Config, ReturnType<typeof total>>;
const pad = (s: string, n = 16) => s.padStart(n);
const rows: [string, (f: (typeof figures)[Config]) => string][] = [
  ['requests/s (median round)', (f) => f.rps.toFixed(1)],
  ['p50 latency ms (median round)', (f) => f.p50.toFixed(1)],
  ['p99 latency ms (median round)', (f) => f.p99.toFixed(1)],
  ['stack CPU-seconds per 1,000 requests', (f) => f.cpuPer1k.toFixed(3)],
  ['failed requests', (f) => String(f.failed)],
];
console.log(`\n${'metric'.padEnd(40)}${configs.map((c) => pad(c)).join('')}`);
for (const [label, get] of rows) console.log(`${label.padEnd(40)}${configs.map((c) => pad(get(figures[c]))).join('')}`);
const pct = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)}%`;
console.log('\nagainst the baseline (same run):');
for (const config of configs.filter((c) => c !== 'baseline')) {
  const f = figures[config];
  console.log(`  ${config.padEnd(15)} throughput ${pct(f.rps, figures.baseline.rps)}, CPU per request ${pct(f.cpuPer1k, figures.baseline.cpuPer1k)}`);
}
const { exports, bytes } = receiver.stats();
console.log(`  OTLP receiver: ${exports} exports, ${(bytes / 1024 / 1024).toFixed(1)} MiB of spans`);
if (configs.some((c) => figures[c].failed > 0)) {
  console.error('\nsome requests failed: the figures above are not comparable');
  process.exit(1);
}
