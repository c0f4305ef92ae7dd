/**
 * The system under test, in its own process so the load generator does not share its
 * event loop: sandbox vendors at a fixed latency, three subgraphs and the gateway.
 * Prints one JSON line with the URLs, then runs until SIGTERM.
 */
import { startStack } from '../test/harness/startStack.js';

const mode = process.env.BENCH_MODE ?? 'full';
const latencyMs = Number(process.env.BENCH_VENDOR_LATENCY_MS ?? 20);

const off = (prefix: string, batching: boolean) => ({
  [`${prefix}_CACHE_TTL_MS`]: '0',
  [`${prefix}_BATCHING`]: String(batching),
});
const env: Record<string, string> =
  mode === 'naive' ? { ...off('CATALOG', false), ...off('REVIEWS', false), ...off('ACCOUNTS', false) }
  : mode === 'batched' ? { ...off('CATALOG', true), ...off('REVIEWS', true), ...off('ACCOUNTS', true) }
  : {};

// The benchmark measures our code, not a vendor's quota: breakers and rate limits stay out of the way.
Object.assign(env, { REVIEWS_BREAKER_VOLUME: '100000', CATALOG_BREAKER_VOLUME: '100000', ACCOUNTS_BREAKER_VOLUME: '100000' });
// All the load comes from one address: the gateway's own rate limits would measure themselves.
Object.assign(env, { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0' });

process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
const stack = await startStack({ env, logLevel: 'silent' });
for (const vendor of [stack.sandbox.commerce, stack.sandbox.reviews, stack.sandbox.identity]) {
  vendor.control.setFaults({ latencyMs, rateLimit: null });
}
process.stdout.write(
  `${JSON.stringify({
    gatewayUrl: stack.gatewayUrl,
    vendors: { commerce: stack.sandbox.commerce.url, reviews: stack.sandbox.reviews.url, identity: stack.sandbox.identity.url },
  })}\n`,
);
process.on('SIGTERM', () => {
  void stack.close().then(() => process.exit(0));
});
