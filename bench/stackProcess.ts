/**
 * The system under test, in its own process so the load generator does not share its
 * event loop: sandbox vendors at a fixed latency, every subgraph and the gateway.
 * Prints one JSON line with the URLs, then runs until SIGTERM.
 */
import { envPrefix, subgraphEntries } from '../platform/registry/services.js';
import { exitOnConfigError } from '../platform/config/exitOnConfigError.js';
import { startTracing } from '../platform/tracing/startTracing.js';
import { startStack } from '../test/harness/startStack.js';

const mode = process.env.BENCH_MODE ?? 'full';
const latencyMs = Number(process.env.BENCH_VENDOR_LATENCY_MS ?? 20);

const env: Record<string, string> = {};
for (const { name } of subgraphEntries) {
  const prefix = envPrefix(name);
  // naive: no cache, no batching; batched: no cache; full: the defaults.
  if (mode !== 'full') Object.assign(env, { [`${prefix}_CACHE_TTL_MS`]: '0', [`${prefix}_BATCHING`]: String(mode === 'batched') });
  // The benchmark measures our code, not a vendor's quota: breakers and rate limits stay out of the way.
  env[`${prefix}_BREAKER_VOLUME`] = '100000';
}
// All the load comes from one address: the gateway's own rate limits would measure themselves.
Object.assign(env, { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0' });

process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
// As each main.ts does: off unless OTEL_* variables ask for an exporter (npm run bench:observability sets them).
const tracing = exitOnConfigError(() => startTracing({ service: 'mobile-graph', env: process.env }));
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
