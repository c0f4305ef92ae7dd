import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstErrorCode } from '../harness/firstErrorCode.js';
import { findLeaks } from '../harness/leaks.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

describe('bad input at the gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it.each([
    ['malformed query', '{ products(first: 20) { edges { node { id }', 'GRAPHQL_PARSE_FAILED'],
    ['unknown field', '{ products { edges { node { id secretVendorField } } } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['wrong argument type', '{ products(first: "twenty") { edges { node { id } } } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['unknown argument', '{ products(limit: 5) { edges { node { id } } } }', 'GRAPHQL_VALIDATION_FAILED'],
  ])('%s → 400 %s', async (_name, query, code) => {
    const res = await stack.query(query);
    expect(res.status).toBe(400);
    expect(firstErrorCode(res.json)).toBe(code);
    expect(res.json.data).toBeUndefined();
  });

  it.each([
    ['first: -1', '{ products(first: -1) { edges { node { id } } } }', 'first'],
    ['first: 0', '{ products(first: 0) { edges { node { id } } } }', 'first'],
    // A larger literal `first` is refused before it runs, by the cost limit (test/security/queryLimits.test.ts).
    ['first: 101', '{ products(first: 101) { edges { node { id } } } }', 'first'],
    ['bad cursor', '{ products(first: 5, after: "not-a-cursor!") { edges { node { id } } } }', 'after'],
    ['forged cursor', `{ products(first: 5, after: "${Buffer.from('{"v":1,"c":7,"s":-3}').toString('base64url')}") { edges { node { id } } } }`, 'after'],
    ['bad id', '{ product(id: "../../admin?x=1") { id } }', 'id'],
    ['over-long id', `{ product(id: "${'p'.repeat(200)}") { id } }`, 'id'],
    ['over-long search', `{ products(first: 5, search: "${'s'.repeat(500)}") { edges { node { id } } } }`, 'search'],
    ['reviews(first: 0)', '{ product(id: "prod_0001") { id reviews(first: 0) { id } } }', 'first'],
    ['reviews(first: 1000)', '{ product(id: "prod_0001") { id reviews(first: 1000) { id } } }', 'first'],
  ])('%s → BAD_USER_INPUT naming the argument', async (_name, query, argument) => {
    const res = await stack.query(query);
    expect(res.status).toBe(200);
    const error = res.json.errors.find((e: { extensions: { code: string } }) => e.extensions.code === 'BAD_USER_INPUT');
    expect(error, res.text).toBeDefined();
    expect(error.message).toContain(`"${argument}"`);
    expect(findLeaks(res.text, stack.sandbox)).toEqual([]);
  });

  it('a product that does not exist is null, not an error', async () => {
    const res = await stack.query('{ product(id: "prod_9999") { id name } }');
    expect(res.json).toEqual({ data: { product: null }, extensions: expect.any(Object) });
  });

  it.each([
    ['not JSON', '{"query": "{ products', 400],
    ['JSON without a query', '{"variables": {}}', 400],
    ['query of the wrong type', '{"query": 42}', 400],
    ['variables of the wrong type', JSON.stringify({ query: operation('ProductPage'), variables: { id: 12, reviews: 'x' } }), 400],
    ['missing required variable', JSON.stringify({ query: operation('ProductPage') }), 400],
  ])('HTTP body %s → %i with a GraphQL error', async (_name, body, status) => {
    const res = await stack.post(body);
    expect(res.status).toBe(status);
    expect(res.json.errors[0].message).toEqual(expect.any(String));
    expect(res.text).not.toMatch(/at .+\.(ts|js):\d+/);
  });

  it('keeps serving normal queries after all of that', async () => {
    const res = await stack.query(operation('HomeScreen'));
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.products.edges).toHaveLength(20);
  });
});
