/**
 * The system under test in one process of its own (npm run bench:observability), so the
 * load generator does not share its event loop: sandbox vendors at a fixed latency, every
 * subgraph and the gateway. `npm run bench` runs each service as its own process instead.
 * Prints one JSON line with the URLs, then runs until SIGTERM.
 */
import { exitOnConfigError } from '../platform/config/exitOnConfigError.js';
import { parseConfig } from '../platform/config/parseConfig.js';
import { startTracing } from '../platform/tracing/startTracing.js';
import { startStack } from '../test/harness/startStack.js';
import { loadModes, modeEnv, type LoadMode } from './homeScreen/benchModes.js';
import { benchSettings } from './homeScreen/benchSettings.js';

const mode = (process.env.BENCH_MODE ?? 'full') as LoadMode;
if (!loadModes.includes(mode)) throw new Error(`BENCH_MODE: expected one of ${loadModes.join(', ')}, got ${JSON.stringify(process.env.BENCH_MODE)}`);
// npm run bench's own setting (same default and range), parsed the same way.
const { latencyMs } = exitOnConfigError(() => parseConfig('bench/stackProcess', { latencyMs: benchSettings.vendorLatencyMs }, process.env));

// The same configurations as npm run bench (naive, batched, full), breakers out of the way.
const env: Record<string, string> = modeEnv(mode);
// All the load comes from one address: the gateway's own rate limits would measure themselves.
Object.assign(env, { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0' });

process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
// As each main.ts does: off unless OTEL_* variables ask for an exporter (npm run bench:observability sets them).
const tracing = await exitOnConfigError(() => startTracing({ service: 'mobile-graph', env: process.env }));
const stack = await startStack({ env, logLevel: 'silent' });
for (const vendor of stack.sandbox.vendors) {
  vendor.control.setFaults({ latencyMs, rateLimit: null });
}
process.stdout.write(
  `${JSON.stringify({
    gatewayUrl: stack.gatewayUrl,
    vendors: Object.fromEntries(stack.sandbox.vendors.map((v) => [v.name, v.url])),
  })}\n`,
);
process.on('SIGTERM', () => {
  void stack
    .close()
    .then(() => tracing.shutdown())
    .then(() => process.exit(0));
});
