/**
 * `npm run bench`: the home-screen query on loopback, bounded in time, every service in
 * its own process as in production (sandbox vendors, each subgraph, the gateway, from the
 * production build with NODE_ENV=production; the load generator alone in this process).
 * Measured in this one run:
 *   naive    batching and caching off (what the query costs without the kit)
 *   batched  batching on, caching off (every request still reaches the vendors)
 *   full     batching and caching on (the defaults)
 * under BENCH_CONNECTIONS autocannon connections, vendors at BENCH_VENDOR_LATENCY_MS; and
 *   cold     caches off, vendors at BENCH_COLD_LATENCY_MS, one request at a time,
 *            right after start and again after BENCH_COLD_WARMUP untimed home screens,
 * against the floor of three sequential vendor round trips; and
 *   warm     the defaults plus the gateway's response cache, one request at a time.
 * Every answer is read and classified (full, partial = HTTP 200 with any error, failed):
 * throughput is full answers only. The machine's load average is printed for each cell,
 * as are the ratios to naive and the goals.
 */
import { exitOnConfigError } from '../platform/config/exitOnConfigError.js';
import { operation } from '../test/harness/operations.js';
import type { ProcessStack } from './chaos/startProcesses.js';
import { loadModes, type BenchMode, type LoadMode } from './homeScreen/benchModes.js';
import { parseBenchConfig } from './homeScreen/benchSettings.js';
import { formatCold, formatThroughput, formatWarm } from './homeScreen/formatReport.js';
import { machineLoad } from './homeScreen/machineLoad.js';
import { measureCold, type ColdFigures } from './homeScreen/measureCold.js';
import { measureThroughput, type ThroughputFigures } from './homeScreen/measureThroughput.js';
import { measureWarm, type WarmFigures } from './homeScreen/measureWarm.js';
import { productionServices } from './homeScreen/productionServices.js';
import { startBenchStack } from './homeScreen/startBenchStack.js';
import { vendorCounters } from './homeScreen/vendorCounters.js';

const config = exitOnConfigError(() => parseBenchConfig(process.env));
const body = JSON.stringify({ query: operation('HomeScreen') });

process.stdout.write('building the services as production runs them…\n');
const production = await productionServices();
// However the bench ends, its made-up credentials go with it.
process.on('exit', () => production.dispose());
let running: ProcessStack | undefined;
// Ctrl-C: no service outlives the bench.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void (running?.stop() ?? Promise.resolve()).then(() => process.exit(130)));
}

async function withStack<T>(mode: BenchMode, vendorLatencyMs: number, measure: (stack: ProcessStack) => Promise<T>): Promise<T> {
  running = await startBenchStack({ mode, vendorLatencyMs, production });
  try {
    return await measure(running);
  } finally {
    await running.stop();
    running = undefined;
  }
}

const start = machineLoad();
console.log(
  `Home-screen benchmark: one process per service on loopback, from the production build with NODE_ENV=production; ` +
    `${config.connections} connections × ${config.durationS} s per configuration, vendors at ${config.vendorLatencyMs} ms; ` +
    `cold: ${config.coldRequests} sequential requests right after start and again after ${config.coldWarmup} more, vendors at ${config.coldLatencyMs} ms.\n` +
    `machine: ${start.cores} cores, load average ${start.load1.toFixed(2)} (1 min) ${start.load5.toFixed(2)} (5 min); every service on this node, ${process.version} (the image runs Node 24)\n`,
);

const figures = {} as Record<LoadMode, ThroughputFigures>;
for (const mode of loadModes) {
  process.stdout.write(`measuring ${mode}…\n`);
  figures[mode] = await withStack(mode, config.vendorLatencyMs, (stack) =>
    measureThroughput({ gatewayUrl: stack.gatewayUrl, body, counters: vendorCounters(stack.vendors), connections: config.connections, durationS: config.durationS, cachesOff: mode !== 'full' }),
  );
}
let cold: ColdFigures | undefined;
if (config.coldRequests > 0) {
  process.stdout.write('measuring cold latency…\n');
  cold = await withStack('cold', config.coldLatencyMs, (stack) =>
    measureCold({ gatewayUrl: stack.gatewayUrl, body, counters: vendorCounters(stack.vendors), latencyMs: config.coldLatencyMs, requests: config.coldRequests, warmupRequests: config.coldWarmup }),
  );
}
let warm: WarmFigures | undefined;
if (config.warmRequests > 0) {
  process.stdout.write('measuring warm answers from the response cache…\n');
  warm = await withStack('warm', config.vendorLatencyMs, (stack) =>
    measureWarm({ gatewayUrl: stack.gatewayUrl, body, counters: vendorCounters(stack.vendors), requests: config.warmRequests }),
  );
}

console.log(`\n${formatThroughput(figures).join('\n')}`);
if (cold !== undefined) console.log(`\n${formatCold(cold, config.coldLatencyMs).join('\n')}`);
if (warm !== undefined) console.log(`\n${formatWarm(warm).join('\n')}`);
const end = machineLoad();
console.log(`\nmachine load average at the end: ${end.load1.toFixed(2)} (1 min) ${end.load5.toFixed(2)} (5 min) on ${end.cores} cores`);
