/**
 * vitest globalSetup: says up front which tests will be skipped and why, since the
 * default reporter only counts skipped tests. The Redis suites (replicas sharing a cache,
 * rate limits and persisted queries) need a real Redis, the PostgreSQL suites a real
 * PostgreSQL; the embedded defaults (in-memory cache, PGlite) need neither.
 */
export default function servicesNotice(): void {
  if (!process.env.REDIS_URL) {
    console.log(
      '\nREDIS_URL is not set: the shared-store suites are skipped (two replicas sharing the cache, the rate limit and ' +
        'persisted queries through Redis, two deployments kept apart by REDIS_PREFIX, a subgraph stopping cleanly in Redis ' +
        'mode, and the kit\'s Redis cache tests). Run `REDIS_URL=redis://127.0.0.1:6379 npm test` ' +
        'to include them; CI does.\n',
    );
  }
  if (!process.env.DATABASE_URL) {
    console.log(
      '\nDATABASE_URL is not set: the PostgreSQL suites are skipped (platform/db against a real server: row shapes, ' +
        'transactions on a pool, concurrent migrations of two replicas, the job queue, a killed worker\'s job retried), the payments webhook inbox\'s durability run (2,000 deliveries ' +
        'while the separate inbox worker process is SIGKILLed) and the push consumer\'s (300 order events while the separate ' +
        'notifications worker process is SIGKILLed mid-send, which has no embedded twin: ' +
        'the embedded store takes one process); their embedded (PGlite) twins still run, and the payments ' +
        'tests run on PGlite instead. Run `DATABASE_URL=postgres://127.0.0.1:5432/test npm test` ' +
        'to include them; CI does.\n',
    );
  }
  if (!process.env.REDIS_URL || !process.env.DATABASE_URL) {
    console.log(
      '\nThe scale-out suite (test/scale: 2 gateways and 2 replicas of every subgraph as processes on one Redis and one ' +
        'PostgreSQL, replicas SIGKILLed and drained under load) needs both REDIS_URL and DATABASE_URL, so it is skipped; CI runs it.\n',
    );
  }
}
