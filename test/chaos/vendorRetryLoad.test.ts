import { describe, expect, it } from 'vitest';
import type { Env } from '../../platform/config/setting.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { parseReviewsConfig } from '../../subgraphs/reviews/config.js';
import { createReviewsSubgraph } from '../../subgraphs/reviews/server.js';
import type { Sandbox } from '../../vendors/startSandbox.js';
import { executeAs } from '../harness/executeAs.js';
import { useSubgraphOnSandbox } from '../harness/useSubgraphOnSandbox.js';

// Vendor load under faults, counted at the sandbox: what reaches the vendor, not what the kit thinks it sent.
const logger = createLogger({ service: 'vendor-retry-load-test', level: 'silent' });
const PRODUCT = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Product { rating { average count } reviews(first: 3) { id } } }
}`;
const READS = ['GET /v2/products/ratings', 'GET /v2/reviews'];

function reviewsOnSandbox(name: string, env: Env) {
  return useSubgraphOnSandbox({
    name,
    logger,
    sandbox: { vendors: { reviews: { rateLimit: null } } },
    create: ({ sandbox, ...deps }) =>
      createReviewsSubgraph({
        ...deps,
        config: parseReviewsConfig({ REVIEWS_VENDOR_URL: sandbox.reviews.url, REVIEWS_VENDOR_KEY: sandbox.reviews.apiKey, LOG_LEVEL: 'silent', REVIEWS_CACHE_TTL_MS: '0', ...env }),
      }),
  });
}

/** Calls the vendor received for the read operations, and how many of them were first attempts (one per request id and route). */
function vendorLoad(sandbox: Sandbox): { received: number; firstAttempts: number } {
  const calls = sandbox.reviews.control.stats().calls.filter((c) => READS.includes(c.route));
  return { received: calls.length, firstAttempts: new Set(calls.map((c) => `${c.route} ${c.requestId}`)).size };
}

const productQuery = (suite: { service: Parameters<typeof executeAs>[0] }, i: number) =>
  executeAs(suite.service, null, PRODUCT, { variables: { reps: [{ __typename: 'Product', id: `prod_${String((i % 200) + 1).padStart(4, '0')}` }] } });

describe('a vendor failing half its calls (errorRate 0.5)', () => {
  // The breaker is kept shut (it would hide the retries): this measures the retry budget alone.
  const suite = reviewsOnSandbox('retry-load-5xx', {
    REVIEWS_BREAKER_ERROR_PERCENT: '100',
    REVIEWS_BREAKER_CONSECUTIVE_FAILURES: '1000',
  });

  it('retries at most the budget ratio (10 %) of first attempts, counted at the sandbox', async () => {
    // Healthy traffic first: a budget earned from successes, as in production.
    for (let i = 0; i < 20; i++) await productQuery(suite, i);
    suite.sandbox.reviews.control.resetStats();
    suite.sandbox.reviews.control.setFaults({ errorRate: 0.5 });
    for (let i = 0; i < 120; i++) await productQuery(suite, i);
    const { received, firstAttempts } = vendorLoad(suite.sandbox);
    const extra = (received - firstAttempts) / firstAttempts;
    console.info(`50 % 5xx: ${received} vendor calls for ${firstAttempts} first attempts (extra ${(extra * 100).toFixed(1)} %)`);
    expect(firstAttempts).toBe(240); // every query reached the vendor once per operation
    expect(extra).toBeLessThanOrEqual(0.1);
  });

  it('barely retries an outage that starts after healthy traffic (a handful of calls, then none)', async () => {
    for (let i = 0; i < 20; i++) await productQuery(suite, i);
    suite.sandbox.reviews.control.resetStats();
    suite.sandbox.reviews.control.setFaults({ outage: true });
    for (let i = 0; i < 30; i++) await productQuery(suite, i);
    const { received, firstAttempts } = vendorLoad(suite.sandbox);
    console.info(`outage: ${received} vendor calls for ${firstAttempts} first attempts`);
    expect(firstAttempts).toBe(60);
    expect(received - firstAttempts).toBeLessThanOrEqual(5);
  });
});

describe('a hanging vendor and one sequential client', () => {
  const DEADLINE_MS = 200;
  const suite = reviewsOnSandbox('retry-load-hang', { REVIEWS_VENDOR_DEADLINE_MS: String(DEADLINE_MS) });

  it('waits the deadline at most three times per operation, then fails fast (breaker open)', async () => {
    // Pre-fault successes in the breaker's window must not delay it.
    for (let i = 0; i < 8; i++) expect((await productQuery(suite, i)).errors).toBeUndefined();
    suite.sandbox.reviews.control.resetStats();
    suite.sandbox.reviews.control.setFaults({ hang: true });
    const codes: unknown[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await productQuery(suite, i);
      codes.push(...(res.errors ?? []).map((e) => e.extensions?.code));
    }
    const byRoute = suite.sandbox.reviews.control.stats().byRoute;
    console.info(`hang: vendor calls ${READS.map((r) => `${r}=${byRoute[r]?.count ?? 0}`).join(' ')} over 10 sequential queries`);
    for (const route of READS) expect(byRoute[route]?.count ?? 0).toBeLessThanOrEqual(3);
    expect(new Set(codes)).toEqual(new Set(['VENDOR_TIMEOUT', 'VENDOR_UNAVAILABLE']));
    expect(suite.service.vendor!.breakerStates()).toMatchObject({ 'ratings.batch': 'open', 'reviews.batch': 'open' });
  });
});
