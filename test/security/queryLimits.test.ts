import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation } from '../harness/operations.js';
import { startStack, type GraphQLResult, type Stack } from '../harness/startStack.js';

const repeat = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

/** Abusive queries, each with the limit it must hit and words of its text that must not come back. */
const abusive = {
  depthByFragments: {
    query: `{ ${'... on Query { '.repeat(30)}__typename${' }'.repeat(30)} }`,
    message: 'Query depth exceeds the limit of 10.',
    secrets: ['on Query', '__typename'],
  },
  depthByIntrospection: {
    query: `{ __type(name: "Product") { fields { type ${'{ ofType '.repeat(25)}{ name }${' }'.repeat(25)} } } }`,
    message: 'Query depth exceeds the limit of 10.',
    secrets: ['ofType', 'Product'],
  },
  typenameAliasBomb: {
    query: `{ ${repeat(500, (i) => `bomb${i}: __typename`)} }`,
    message: 'Query has more aliases than the limit of 15.',
    secrets: ['bomb1', '__typename'],
  },
  fieldAliasBomb: {
    query: `{ ${repeat(100, (i) => `viewer${i}: me { id }`)} }`,
    message: 'Query has more aliases than the limit of 15.',
    secrets: ['viewer1', 'viewer99'],
  },
  directives: {
    query: `{ ${repeat(50, () => '__typename @include(if: true)')} }`,
    message: 'Query has more directives than the limit of 10.',
    secrets: ['include', '__typename'],
  },
  directiveBomb: {
    // 500 × 6 tokens: the token limit stops it while it is parsed.
    query: `{ __typename ${repeat(500, () => '@include(if: true)')} }`,
    message: 'Query has more tokens than the limit of 2000.',
    secrets: ['include', '__typename'],
  },
  tokens: {
    query: `{ ${'__typename '.repeat(3_000)}}`,
    message: 'Query has more tokens than the limit of 2000.',
    secrets: ['__typename'],
  },
  cost: {
    query: '{ products(first: 100000) { edges { node { id name reviews(first: 50) { body author { displayName } } } } } }',
    message: 'Query cost exceeds the limit of 5000.',
    secrets: ['products', 'reviews', 'displayName'],
  },
} as const;

function expectTooComplex(res: GraphQLResult, message: string, secrets: readonly string[]): void {
  expect(res.status, res.text).toBe(400);
  expect(res.json.data).toBeUndefined();
  const limitErrors = res.json.errors.filter((e: { extensions: { code: string } }) => e.extensions.code === 'QUERY_TOO_COMPLEX');
  expect(limitErrors.map((e: { message: string }) => e.message)).toContain(message);
  for (const secret of secrets) expect(res.text).not.toContain(secret);
}

describe('limits on abusive queries (development defaults)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  /** Right after an abusive request the gateway still answers the home screen (no timing: a busy machine is slow, not wrong). */
  async function expectStillServing(): Promise<void> {
    const res = await stack.query(operation('HomeScreen'));
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.products.edges).toHaveLength(20);
  }

  it('the app’s operations pass every limit', async () => {
    await expectStillServing();
    const page = await stack.query(operation('ProductPage'), { id: 'prod_0001', reviews: 50 });
    expect(page.json.errors).toBeUndefined();
    const browse = await stack.query(operation('BrowseCategory'), { first: 100 });
    expect(browse.json.errors).toBeUndefined();
  });

  it.each(Object.entries(abusive))('%s → 400 QUERY_TOO_COMPLEX naming the limit, nothing echoed', async (_name, { query, message, secrets }) => {
    const res = await stack.query(query);
    expectTooComplex(res, message, secrets);
    await expectStillServing();
  });

  it('a list size written as a variable is bounded by its resolver, not the cost estimate', async () => {
    const res = await stack.query('query($n: Int!) { products(first: $n) { edges { node { id } } } }', { n: 100_000 });
    expect(res.status).toBe(200);
    expect(res.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.json.errors[0].message).toContain('"first"');
  });

  it('a body over MAX_BODY_BYTES (200 KB of tokens) → 413 PAYLOAD_TOO_LARGE naming the limit', async () => {
    const res = await stack.post(JSON.stringify({ query: `{ ${'__typename '.repeat(20_000)}}` }));
    expect(res.status).toBe(413);
    expect(res.json.errors[0]).toEqual({
      message: 'Request body is larger than the limit of 102400 bytes.',
      extensions: { code: 'PAYLOAD_TOO_LARGE', requestId: expect.any(String) },
    });
    expect(res.text).not.toContain('__typename');
    await expectStillServing();
  });

  it('a batched request (JSON array) → 400 BAD_REQUEST: batching is off by default', async () => {
    const one = { query: operation('HomeScreen') };
    const res = await stack.post(JSON.stringify([one, one, one]));
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ message: 'Batched requests are not accepted.', extensions: { code: 'BAD_REQUEST' } });
    expect(res.text).not.toContain('HomeScreen');
    await expectStillServing();
  });

  it('the sandbox explorer still loads introspection in development (depth and cost skip __schema)', async () => {
    const res = await stack.query(
      '{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name ofType { name ofType { name ofType { name } } } } } } } } } } }',
    );
    expect(res.status).toBe(200);
    expect(res.json.data.__schema.types.length).toBeGreaterThan(5);
  });

  it('memory stays bounded under ~200 abusive requests', async () => {
    const gc = exposeGc();
    const kinds = Object.values(abusive);
    // Warm up every code path first, so that what is measured is growth, not first-use allocations.
    for (const { query } of kinds) await stack.query(query);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) {
      const { query } = kinds[i % kinds.length]!;
      // Unique text each time: nothing abusive may end up cached.
      const res = await stack.query(`${query} # ${i}`);
      expect(res.status).toBe(400);
    }
    gc();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
    expect(grownMb, `heap grew by ${grownMb.toFixed(1)} MB`).toBeLessThan(50);
    await expectStillServing();
  });
});

/** `global.gc` without starting node with --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}
