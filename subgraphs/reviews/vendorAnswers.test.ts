import { describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/log/createLogger.js';
import { executeAs } from '../../test/harness/executeAs.js';
import { findLeaks } from '../../test/harness/leaks.js';
import { useSubgraphOnSandbox } from '../../test/harness/useSubgraphOnSandbox.js';
import { parseReviewsConfig } from './config.js';
import { createReviewsSubgraph } from './server.js';

/*
 * What the reviews vendor answers is checked before it reaches a phone (issue 7, item 9):
 * ratings 1.0..5.0, counts ≥ 0, stars 1..5, never more reviews than `first`, no control
 * characters. Each bad value is scripted at the sandbox vendor and must come out as null +
 * VENDOR_BAD_RESPONSE for that product only, with nothing of the bad value in the answer.
 */
const logger = createLogger({ service: 'reviews-answers-test', level: 'silent' });
const RATING = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { id rating { average count } } } }`;
const REVIEWS = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { id reviews(first: 3) { id rating title body } } } }`;

const suite = useSubgraphOnSandbox({
  name: 'reviews-answers-test',
  logger,
  sandbox: { vendors: { reviews: { rateLimit: null } } },
  create: ({ sandbox, ...deps }) =>
    createReviewsSubgraph({
      ...deps,
      config: parseReviewsConfig({
        REVIEWS_VENDOR_URL: sandbox.reviews.url,
        REVIEWS_VENDOR_KEY: sandbox.reviews.apiKey,
        REVIEWS_CACHE_TTL_MS: '0',
        REVIEWS_RETRY_MAX_ATTEMPTS: '1',
        LOG_LEVEL: 'silent',
      }),
    }),
});

const codes = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) => (errors ?? []).map((e) => e.extensions?.code);
const answer = (body: unknown) => suite.sandbox.reviews.control.setFaults({ script: [{ status: 200, body }] });
const run = (query: string, ids: readonly string[]) =>
  executeAs(suite.service, null, query, { variables: { reps: ids.map((id) => ({ __typename: 'Product', id })) } });
const review = (n: number, productId: string, change: Record<string, unknown> = {}) => ({
  id: `rev_${String(n).padStart(5, '0')}`,
  product_id: productId,
  user_id: 'usr_0001',
  stars: 4,
  headline: `Headline ${n}`,
  text: `Text ${n}.`,
  created_at: '2026-01-01T00:00:00Z',
  ...change,
});

describe('reviews: a rating that fails its checks is null + VENDOR_BAD_RESPONSE for its product only', () => {
  it.each([
    { bad: 'an average of 99', rating: { average: 99, count: 10 }, trace: '99' },
    { bad: 'a count of -5', rating: { average: 4.2, count: -5 }, trace: '-5' },
    { bad: 'an average below 1', rating: { average: 0.2, count: 3 }, trace: '0.2' },
    { bad: 'a fractional count', rating: { average: 4, count: 2.5 }, trace: '2.5' },
  ])('$bad', async ({ rating, trace }) => {
    answer({ ratings: [{ product_id: 'prod_0101', average: 4.5, count: 12 }, { product_id: 'prod_0102', ...rating }] });
    const res = await run(RATING, ['prod_0101', 'prod_0102']);
    expect(res.data._entities).toEqual([{ id: 'prod_0101', rating: { average: 4.5, count: 12 } }, { id: 'prod_0102', rating: null }]);
    expect(codes(res.errors)).toEqual(['VENDOR_BAD_RESPONSE']);
    expect(JSON.stringify(res.data)).not.toContain(trace);
    expect(findLeaks(JSON.stringify(res), suite.sandbox)).toEqual([]);
  });
});

describe('reviews: a page of reviews that fails its checks is null + VENDOR_BAD_RESPONSE for its product only', () => {
  it.each([
    { bad: 'stars of 7', reviews: [review(2, 'prod_0112', { stars: 7 })], trace: 'Headline 2' },
    { bad: 'stars of 0', reviews: [review(2, 'prod_0112', { stars: 0 })], trace: 'Headline 2' },
    { bad: 'NUL characters in a title', reviews: [review(2, 'prod_0112', { headline: 'Nul\u0000title' })], trace: 'Nul' },
    { bad: 'a 200 KB body', reviews: [review(2, 'prod_0112', { text: 'B'.repeat(200 * 1024) })], trace: 'BBBBBBBB' },
    { bad: 'a review of another product', reviews: [review(2, 'prod_0999')], trace: 'Headline 2' },
    { bad: '1,000 reviews for reviews(first: 3)', reviews: Array.from({ length: 1000 }, (_, i) => review(i + 2, 'prod_0112')), trace: 'Headline 2' },
  ])('$bad', async ({ reviews, trace }) => {
    answer({
      results: [
        { product_id: 'prod_0111', total: 1, reviews: [review(1, 'prod_0111')] },
        { product_id: 'prod_0112', total: reviews.length, reviews },
      ],
    });
    const res = await run(REVIEWS, ['prod_0111', 'prod_0112']);
    expect(res.data._entities).toEqual([
      { id: 'prod_0111', reviews: [{ id: 'rev_00001', rating: 4, title: 'Headline 1', body: 'Text 1.' }] },
      { id: 'prod_0112', reviews: null },
    ]);
    expect(codes(res.errors)).toEqual(['VENDOR_BAD_RESPONSE']);
    const text = JSON.stringify(res);
    expect(text).not.toContain(trace);
    expect(text.length).toBeLessThan(5000);
  });

  it('a review looked up by id that fails its checks is null + VENDOR_BAD_RESPONSE', async () => {
    answer(review(77, 'prod_0001', { stars: 7 }));
    const res = await executeAs(suite.service, null, `query { _entities(representations: [{ __typename: "Review", id: "rev_00077" }]) { ... on Review { id rating } } }`);
    expect(res.data._entities).toEqual([null]);
    expect(codes(res.errors)).toEqual(['VENDOR_BAD_RESPONSE']);
  });
});

describe('reviews: a vendor 4xx on a read', () => {
  it.each([400, 409, 422])('%i to the ratings read → VENDOR_UNAVAILABLE, never BAD_USER_INPUT', async (status) => {
    suite.sandbox.reviews.control.setFaults({ script: [{ status }] });
    const res = await run(RATING, ['prod_0121']);
    expect(res.data._entities).toEqual([{ id: 'prod_0121', rating: null }]);
    expect(codes(res.errors)).toEqual(['VENDOR_UNAVAILABLE']);
  });
});
