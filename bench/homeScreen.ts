/**
 * `npm run bench`: the home-screen query under load, on loopback, bounded in time,
 * against three configurations measured in this one run:
 *   naive    batching and caching off (what the query costs without the kit)
 *   batched  batching on, caching off (every request still reaches the vendors)
 *   full     batching and caching on (the default)
 * Vendors answer after BENCH_VENDOR_LATENCY_MS (default 20 ms). Prints requests/s,
 * p50, p99, vendor calls per query (cold and under load) and the ratios to naive.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { operation } from '../test/harness/operations.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LATENCY_MS = Number(process.env.BENCH_VENDOR_LATENCY_MS ?? 20);
const modes = ['naive', 'batched', 'full'] as const;
type Mode = (typeof modes)[number];

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  coldCalls: Record<string, number>;
  loadCallsPerQuery: number;
}

const body = JSON.stringify({ query: operation('HomeScreen') });
const root = fileURLToPath(new URL('..', import.meta.url));

async function vendorTotals(vendors: Record<string, string>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, url] of Object.entries(vendors)) {
    const stats = (await (await fetch(`${url}/__sandbox/stats`)).json()) as { total: number };
    out[name] = stats.total;
  }
  return out;
}

async function resetStats(vendors: Record<string, string>): Promise<void> {
  for (const url of Object.values(vendors)) await fetch(`${url}/__sandbox/stats`, { method: 'DELETE' });
}

async function measure(mode: Mode): Promise<Figures> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/stackProcess.ts'], {
    cwd: root,
    env: { ...process.env, BENCH_MODE: mode, BENCH_VENDOR_LATENCY_MS: String(LATENCY_MS), APOLLO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const { gatewayUrl, vendors } = JSON.parse(line) as { gatewayUrl: string; vendors: Record<string, string> };

    // Cold cache: exactly one home screen, counted at the vendors.
    await resetStats(vendors);
    const cold = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const coldJson = (await cold.json()) as { errors?: unknown[] };
    if (coldJson.errors) throw new Error(`${mode}: home screen failed: ${JSON.stringify(coldJson.errors).slice(0, 300)}`);
    const coldCalls = await vendorTotals(vendors);

    await resetStats(vendors);
    const result = await autocannon({
      url: gatewayUrl,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: CONNECTIONS,
      duration: DURATION_S,
    });
    const loadCalls = Object.values(await vendorTotals(vendors)).reduce((a, b) => a + b, 0);
    return {
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.non2xx,
      coldCalls,
      loadCallsPerQuery: result.requests.total > 0 ? loadCalls / result.requests.total : 0,
    };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

console.log(`Home-screen benchmark: ${CONNECTIONS} connections × ${DURATION_S} s per configuration, vendors at ${LATENCY_MS} ms, loopback.\n`);
const figures = {} as Record<Mode, Figures>;
for (const mode of modes) {
  process.stdout.write(`measuring ${mode}…\n`);
  figures[mode] = await measure(mode);
}

const pad = (s: string, n = 14) => s.padStart(n);
const fmt = (n: number, digits = 0) => n.toFixed(digits);
const vendorNames = Object.keys(figures[modes[0]].coldCalls);
const cold = (f: Figures) => vendorNames.map((v) => f.coldCalls[v]).join('/');
const rows: [string, (f: Figures) => string][] = [
  ['requests/s', (f) => fmt(f.rps, 1)],
  ['p50 latency ms', (f) => fmt(f.p50)],
  ['p99 latency ms', (f) => fmt(f.p99)],
  [`vendor calls, cold query (${vendorNames.join('/')})`, cold],
  ['vendor calls per query under load', (f) => fmt(f.loadCallsPerQuery, 2)],
  ['failed requests', (f) => String(f.errors)],
];
console.log(`\n${'metric'.padEnd(54)}${modes.map((m) => pad(m)).join('')}`);
for (const [label, get] of rows) console.log(`${label.padEnd(54)}${modes.map((m) => pad(get(figures[m]))).join('')}`);

const ratio = (a: number, b: number) => (b === 0 ? '∞' : `${(a / b).toFixed(1)}×`);
const coldTotal = (f: Figures) => Object.values(f.coldCalls).reduce((a, b) => a + b, 0);
console.log('\nratios to naive (same run):');
for (const mode of ['batched', 'full'] as const) {
  const f = figures[mode];
  console.log(
    `  ${mode.padEnd(8)} throughput ${ratio(f.rps, figures.naive.rps)}, p50 ${ratio(figures.naive.p50, f.p50)} faster, p99 ${ratio(figures.naive.p99, f.p99)} faster, cold vendor calls ${ratio(coldTotal(figures.naive), coldTotal(f))} fewer`,
  );
}
if (modes.some((m) => figures[m].errors > 0)) {
  console.error('\nsome requests failed: the figures above are not comparable');
  process.exit(1);
}
