/**
 * vitest globalSetup: says up front which tests will be skipped and why, since the
 * default reporter only counts skipped tests. The Redis suites (replicas sharing a cache,
 * rate limits and persisted queries) need a real Redis; the embedded default needs none.
 */
export default function redisNotice(): void {
  if (process.env.REDIS_URL) return;
  console.log(
    '\nREDIS_URL is not set: the shared-store suites are skipped (two replicas sharing the cache, the rate limit and ' +
      'persisted queries through Redis, two deployments kept apart by REDIS_PREFIX, a subgraph stopping cleanly in Redis ' +
      'mode, and the kit\'s Redis cache tests). Run `REDIS_URL=redis://127.0.0.1:6379 npm test` ' +
      'to include them; CI does.\n',
  );
}
