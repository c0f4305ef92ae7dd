import { parseConfig, type ConfigOf } from '../../platform/config/parseConfig.js';
import { int } from '../../platform/config/setting.js';
import type { Env } from '../../platform/config/setting.js';

/** `npm run bench`'s settings, parsed once (every problem listed at once). */
export const benchSettings = {
  durationS: int('BENCH_DURATION_S', { default: 10, min: 1, max: 600, unit: 's', description: 'Load per configuration (naive, batched, full).' }),
  connections: int('BENCH_CONNECTIONS', { default: 10, min: 1, max: 1_000, unit: 'connections', description: 'autocannon connections under load.' }),
  vendorLatencyMs: int('BENCH_VENDOR_LATENCY_MS', {
    default: 20,
    min: 0,
    max: 5_000,
    unit: 'ms',
    description: 'Every sandbox vendor answer waits this long in the load configurations.',
  }),
  coldLatencyMs: int('BENCH_COLD_LATENCY_MS', { default: 50, min: 1, max: 5_000, unit: 'ms', description: 'Vendor latency of the cold-latency configuration.' }),
  coldRequests: int('BENCH_COLD_REQUESTS', {
    default: 100,
    min: 0,
    max: 240,
    unit: 'requests',
    description: 'Sequential cold home screens after the first (0 = no cold-latency row). At most 240: the sandbox keeps the last 1,000 calls, 4 per home screen.',
  }),
  // 300 was too few: during the timed phase that followed, V8 still optimised 40 of the
  // gateway's functions, 30 of reviews' and 18 of catalog's (--trace-opt); after 3,000, 10, 17 and 0.
  coldWarmup: int('BENCH_COLD_WARMUP', {
    default: 3_000,
    min: 0,
    max: 10_000,
    unit: 'requests',
    description: "Cold home screens sent with the vendors at 0 ms, untimed, between the cold configuration's two timed phases (right after start, and warmed up as a running service is).",
  }),
  warmRequests: int('BENCH_WARM_REQUESTS', {
    default: 200,
    min: 0,
    max: 100_000,
    unit: 'requests',
    description: "Sequential warm home screens with the gateway's response cache on (RESPONSE_CACHE=memory); 0 = no warm row.",
  }),
};

export type BenchConfig = ConfigOf<typeof benchSettings>;

export function parseBenchConfig(env: Env): BenchConfig {
  return parseConfig('npm run bench', benchSettings, env);
}
