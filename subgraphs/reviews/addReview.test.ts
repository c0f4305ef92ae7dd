import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../platform/identity/Viewer.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { executeAs } from '../../test/harness/executeAs.js';
import { useSubgraphOnSandbox } from '../../test/harness/useSubgraphOnSandbox.js';
import { parseReviewsConfig } from './config.js';
import { reviewIdempotencyKey } from './reviewIdempotencyKey.js';
import { createReviewsSubgraph } from './server.js';

const logger = createLogger({ service: 'reviews-test', level: 'silent' });
const ADD = `mutation ($productId: ID!, $rating: Int!, $title: String!, $body: String!) {
  addReview(productId: $productId, rating: $rating, title: $title, body: $body) { id rating title body author { id } }
}`;
const PRODUCT = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Product { rating { average count } reviews(first: 3) { id title } } }
}`;

const writer: Viewer = { userId: 'usr_7001', scopes: ['openid', 'profile', 'reviews:write'] };
const reader: Viewer = { userId: 'usr_7002', scopes: ['openid', 'profile'] };

const suite = useSubgraphOnSandbox({
  name: 'reviews-test',
  logger,
  sandbox: { vendors: { reviews: { rateLimit: null } } },
  create: ({ sandbox, ...deps }) =>
    createReviewsSubgraph({
      ...deps,
      config: parseReviewsConfig({ REVIEWS_VENDOR_URL: sandbox.reviews.url, REVIEWS_VENDOR_KEY: sandbox.reviews.apiKey, LOG_LEVEL: 'silent' }),
    }),
});

const posts = () => suite.sandbox.reviews.control.stats().byRoute['POST /v2/reviews']?.count ?? 0;
const codes = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) => (errors ?? []).map((e) => e.extensions?.code);
const add = (viewer: Viewer | null, vars: { productId: string; rating: number; title: string; body: string }) =>
  executeAs(suite.service, viewer, ADD, { variables: vars });
const product = (id: string) => executeAs(suite.service, null, PRODUCT, { variables: { reps: [{ __typename: 'Product', id }] } });

describe('Mutation.addReview: the shield', () => {
  const review = { productId: 'prod_0005', rating: 4, title: 'Nice', body: 'Does the job.' };

  it('refuses anonymous callers with UNAUTHENTICATED, without calling the vendor', async () => {
    const res = await add(null, review);
    expect(res.data).toBeNull();
    expect(res.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['UNAUTHENTICATED', 'Sign in to do this.']]);
    expect(posts()).toBe(0);
  });

  it('refuses a token without reviews:write with FORBIDDEN naming the scope, without calling the vendor', async () => {
    const res = await add(reader, review);
    expect(res.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['FORBIDDEN', 'This needs the reviews:write permission.']]);
    expect(posts()).toBe(0);
  });

  it('with reviews:write posts the review to the vendor once, as the signed-in user', async () => {
    const res = await add(writer, review);
    expect(res.errors).toBeUndefined();
    expect(res.data.addReview).toMatchObject({ rating: 4, title: 'Nice', body: 'Does the job.', author: { id: 'usr_7001' } });
    expect(res.data.addReview.id).toMatch(/^rev_\d+$/);
    expect(posts()).toBe(1);
  });
});

describe('Mutation.addReview: idempotency and conflicts', () => {
  it('the same mutation sent twice (a retry after a lost answer) gives the same review, and the vendor holds one', async () => {
    const review = { productId: 'prod_0007', rating: 5, title: '  Great lamp ', body: 'Bright and warm. ' };
    const first = await add(writer, review);
    const again = await add(writer, review);
    expect(first.errors).toBeUndefined();
    expect(again.errors).toBeUndefined();
    expect(again.data.addReview.id).toBe(first.data.addReview.id);
    expect(first.data.addReview).toMatchObject({ title: 'Great lamp', body: 'Bright and warm.' });
    expect(posts()).toBe(2);
    const page = await executeAs(suite.service, null, `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { reviews(first: 50) { author { id } } } } }`, {
      variables: { reps: [{ __typename: 'Product', id: 'prod_0007' }] },
    });
    const mine = page.data._entities[0].reviews.filter((r: { author: { id: string } | null }) => r.author?.id === writer.userId);
    expect(mine).toHaveLength(1);
  });

  it('derives the idempotency key from the review: same review → same key, any change → another key', () => {
    const base = { userId: 'u', productId: 'p', rating: 3, title: 't', body: 'b' };
    expect(reviewIdempotencyKey(base)).toBe(reviewIdempotencyKey({ ...base }));
    expect(reviewIdempotencyKey(base)).toMatch(/^review-[0-9a-f]{64}$/);
    for (const change of [{ userId: 'v' }, { productId: 'q' }, { rating: 4 }, { title: 'T' }, { body: 'B' }]) {
      expect(reviewIdempotencyKey({ ...base, ...change })).not.toBe(reviewIdempotencyKey(base));
    }
  });

  it('a second, different review of the same product by the same user → CONFLICT', async () => {
    const first = await add(writer, { productId: 'prod_0009', rating: 2, title: 'Meh', body: 'It broke.' });
    expect(first.errors).toBeUndefined();
    const second = await add(writer, { productId: 'prod_0009', rating: 3, title: 'Update', body: 'They replaced it.' });
    expect(second.data).toBeNull();
    expect(second.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['CONFLICT', 'You have already reviewed this product.']]);
    expect(JSON.stringify(second)).not.toMatch(/StarPulse|duplicate_review|starpulse/i);
  });
});

describe('Mutation.addReview: validation', () => {
  const ok = { productId: 'prod_0011', rating: 3, title: 'Fine', body: 'Okay.' };
  const cases: [string, Partial<typeof ok>, string][] = [
    ['malformed productId', { productId: 'prod 11!' }, 'productId'],
    ['rating 0', { rating: 0 }, 'rating'],
    ['rating 6', { rating: 6 }, 'rating'],
    ['blank title', { title: '   ' }, 'title'],
    ['title of 121 characters', { title: 'x'.repeat(121) }, 'title'],
    ['empty body', { body: '' }, 'body'],
    ['body of 2001 characters', { body: 'y'.repeat(2001) }, 'body'],
  ];
  it.each(cases)('%s → BAD_USER_INPUT naming the argument, no vendor call', async (_name, change, argument) => {
    const res = await add(writer, { ...ok, ...change });
    expect(codes(res.errors)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.extensions?.argument).toBe(argument);
    expect(res.errors?.[0]?.message).toContain(`"${argument}"`);
    expect(posts()).toBe(0);
  });

  it('an unknown product (well-formed id) → BAD_USER_INPUT naming productId, after one vendor call', async () => {
    const res = await add(writer, { ...ok, productId: 'prod_9999' });
    expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'productId']]);
    expect(posts()).toBe(1);
  });
});

describe('Mutation.addReview: cache invalidation', () => {
  it("drops the product's cached rating and review pages, so the next request shows the new review", async () => {
    // prod_0002 has no reviews in the sandbox's seed.
    const before = await product('prod_0002');
    expect(before.data._entities[0]).toEqual({ rating: { average: null, count: 0 }, reviews: [] });
    const cached = await product('prod_0002');
    expect(cached.data).toEqual(before.data);
    expect(suite.sandbox.reviews.control.stats().byRoute['GET /v2/products/ratings']?.count).toBe(1); // the second read was a cache hit

    const added = await add(writer, { productId: 'prod_0002', rating: 5, title: 'First!', body: 'Nobody had reviewed it.' });
    expect(added.errors).toBeUndefined();

    const after = await product('prod_0002');
    expect(after.data._entities[0]).toEqual({ rating: { average: 5, count: 1 }, reviews: [{ id: added.data.addReview.id, title: 'First!' }] });
    // Every page size was dropped, not only the one read before.
    const bigger = await executeAs(suite.service, null, `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { reviews(first: 50) { id } } } }`, {
      variables: { reps: [{ __typename: 'Product', id: 'prod_0002' }] },
    });
    expect(bigger.data._entities[0].reviews).toEqual([{ id: added.data.addReview.id }]);
  });
});

describe('vendor failures under the shield', () => {
  it('a vendor outage is VENDOR_UNAVAILABLE on the public fields, never "Not Authorised!"', async () => {
    suite.sandbox.reviews.control.setFaults({ outage: true });
    const res = await product('prod_0031');
    expect(res.data._entities[0]).toEqual({ rating: null, reviews: null });
    expect(codes(res.errors)).toEqual(['VENDOR_UNAVAILABLE', 'VENDOR_UNAVAILABLE']);
    expect(JSON.stringify(res)).not.toMatch(/Not Authorised|StarPulse/);
  });

  it('a vendor outage on addReview is VENDOR_UNAVAILABLE after exactly one attempt (a write is never retried)', async () => {
    suite.sandbox.reviews.control.setFaults({ outage: true });
    const res = await add(writer, { productId: 'prod_0033', rating: 4, title: 'Good', body: 'Good enough.' });
    expect(codes(res.errors)).toEqual(['VENDOR_UNAVAILABLE']);
    expect(posts()).toBe(1);
  });
});
