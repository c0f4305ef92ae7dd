import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnEntry } from '../../../test/harness/spawnEntry.js';
import { startSandbox, type Sandbox } from '../../../vendors/startSandbox.js';

/**
 * A subgraph's main.ts as a process manager runs it: SIGTERM must drain (answer every
 * request already running), then exit 0. Apollo's own signal handler used to stop Apollo
 * under those requests and re-send the signal, which the kit took for a second one: exit 1.
 */
const RATINGS = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { rating { average count } } } }`;

describe('subgraph main.ts on SIGTERM', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ vendors: { reviews: { rateLimit: null } } });
  });
  afterAll(() => sandbox.close());

  const env = (extra: Record<string, string> = {}) => ({
    REVIEWS_PORT: '0',
    REVIEWS_VENDOR_URL: sandbox.reviews.url,
    REVIEWS_VENDOR_KEY: sandbox.reviews.apiKey,
    // Every request reaches the slow vendor (no cache), and its budget is far beyond the vendor's latency.
    REVIEWS_CACHE_TTL_MS: '0',
    REVIEWS_VENDOR_DEADLINE_MS: '30000',
    LOG_LEVEL: 'info',
    ...extra,
  });

  it('under load: every in-flight request is answered, then it exits 0', async () => {
    sandbox.reviews.control.resetStats();
    sandbox.reviews.control.setFaults({ latencyMs: 2_000 });
    const sub = spawnEntry('subgraphs/reviews/main.ts', env());
    try {
      const [, url] = (await sub.waitFor(/"url":"(http:[^"]+\/graphql)"/)) as [string, string];
      const requests = Array.from({ length: 8 }, (_, i) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: RATINGS, variables: { reps: [{ __typename: 'Product', id: `prod_${String(i + 1).padStart(4, '0')}` }] } }),
        }).then(async (res) => ({ status: res.status, json: (await res.json()) as { data?: { _entities: unknown[] }; errors?: unknown } })),
      );
      // SIGTERM while the vendor still holds some of them (no timing guess: read the sandbox's counters).
      await waitUntil(() => {
        const calls = sandbox.reviews.control.stats().calls;
        return calls.length >= 8 && calls.some((c) => c.status === 0);
      });
      process.kill(sub.pid, 'SIGTERM');
      const answers = await Promise.all(requests);
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.json.errors).toBeUndefined();
        expect(answer.json.data?._entities).toHaveLength(1);
      }
      expect(await sub.exited()).toEqual({ code: 0, signal: null });
    } finally {
      sandbox.reviews.control.resetFaults();
      sub.kill();
    }
  }, 120_000);

  it.skipIf(!process.env.REDIS_URL)('with the Redis cache, idle: exits 0 (needs REDIS_URL)', async () => {
    const sub = spawnEntry('subgraphs/reviews/main.ts', env({ REDIS_URL: process.env.REDIS_URL ?? '' }));
    try {
      await sub.waitFor(/"cache":"redis"/);
      process.kill(sub.pid, 'SIGTERM');
      expect(await sub.exited()).toEqual({ code: 0, signal: null });
      expect(sub.output()).not.toMatch(/"level":50/);
    } finally {
      sub.kill();
    }
  }, 120_000);

  it('without Redis, idle: exits 0', async () => {
    const sub = spawnEntry('subgraphs/reviews/main.ts', env());
    try {
      await sub.waitFor(/"cache":"memory"/);
      process.kill(sub.pid, 'SIGTERM');
      expect(await sub.exited()).toEqual({ code: 0, signal: null });
    } finally {
      sub.kill();
    }
  }, 120_000);
});

/** Polls `condition` until true; generous, since it only waits as long as needed. */
async function waitUntil(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
