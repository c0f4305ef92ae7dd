import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envPrefix, subgraphEntries } from '../../platform/registry/services.js';
import { passwordSignIn, signUp, uniqueEmail } from '../../vendors/identity/identityTestClient.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

/** Issue 7's attacker: one anonymous query, the list sizes passed as variables. */
const reviewAliases = Array.from({ length: 15 }, (_, i) => `r${i}: reviews(first: $k) { rating body author { displayName } }`).join(' ');
const VARIABLE_COST_QUERY = `query ($n: Int!, $k: Int!) { products(first: $n) { edges { node { id ${reviewAliases} } } } }`;

const signUps = (emails: readonly string[]) =>
  `mutation { ${emails.map((email, i) => `s${i}: signUp(input: { email: "${email}", password: "correct horse battery", displayName: "Mallory" }) { accessToken }`).join(' ')} }`;

describe('abuse that only shows with variables, aliases or a hostile client (issue 7)', () => {
  let stack: Stack;
  beforeAll(async () => {
    // About the gateway's refusals, not vendor latency: a generous vendor deadline.
    const generous = Object.fromEntries(subgraphEntries.map((s) => [`${envPrefix(s.name)}_VENDOR_DEADLINE_MS`, '10000']));
    stack = await startStack({ env: generous });
  });
  afterAll(() => stack?.close());

  it('products(first: $n) with 15 aliased reviews(first: $k) → 400 QUERY_TOO_COMPLEX before any vendor call', async () => {
    const before = stack.sandbox.reviews.control.stats().total;
    const res = await stack.query(VARIABLE_COST_QUERY, { n: 100, k: 50 });
    expect(res.status, res.text).toBe(400);
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors).toEqual([{ message: 'Query cost exceeds the limit of 5000.', extensions: { code: 'QUERY_TOO_COMPLEX' } }]);
    expect(stack.sandbox.reviews.control.stats().total).toBe(before);
    // The same shape with small sizes is an ordinary query.
    const small = await stack.query(VARIABLE_COST_QUERY, { n: 2, k: 1 });
    expect(small.status, small.text).toBe(200);
    expect(small.json.data.products.edges).toHaveLength(2);
  });

  it('the same sizes written literally → refused every time it is sent (a cost without variables is counted once per document and kept)', async () => {
    const literal = VARIABLE_COST_QUERY.replace('query ($n: Int!, $k: Int!) ', '').replace('$n', '100').replaceAll('$k', '50');
    const before = stack.sandbox.reviews.control.stats().total;
    for (let i = 0; i < 3; i++) {
      const res = await stack.query(literal);
      expect(res.status, res.text).toBe(400);
      expect(res.json.errors).toEqual([{ message: 'Query cost exceeds the limit of 5000.', extensions: { code: 'QUERY_TOO_COMPLEX' } }]);
    }
    expect(stack.sandbox.reviews.control.stats().total).toBe(before);
    // A small literal twin runs, every time too.
    const small = VARIABLE_COST_QUERY.replace('query ($n: Int!, $k: Int!) ', '').replace('$n', '2').replaceAll('$k', '1');
    for (let i = 0; i < 2; i++) expect((await stack.query(small)).json.data.products.edges).toHaveLength(2);
  });

  it('the app’s operations stay under the cost limit with their largest variables', async () => {
    const home = await stack.query(operation('HomeScreen'));
    expect(home.json.errors).toBeUndefined();
    const page = await stack.query(operation('ProductPage'), { id: 'prod_0001', reviews: 50 });
    expect(page.json.errors).toBeUndefined();
    const browse = await stack.query(operation('BrowseCategory'), { first: 100 });
    expect(browse.json.errors).toBeUndefined();
  });

  it('15 aliased signUp → 400 QUERY_TOO_COMPLEX, and not one account is created at the identity provider', async () => {
    const emails = Array.from({ length: 15 }, () => uniqueEmail('alias'));
    const res = await stack.query(signUps(emails));
    expect(res.status, res.text).toBe(400);
    expect(res.json.errors).toEqual([{ message: 'Operation has more mutation fields than the limit of 1.', extensions: { code: 'QUERY_TOO_COMPLEX' } }]);
    // Counted at the sandbox, after the answer: nothing is still running either.
    const identity = stack.sandbox.identity;
    for (const email of emails) {
      const signIn = await passwordSignIn(identity, { username: email, password: 'correct horse battery' }).catch((e: unknown) => e);
      expect(signIn).toBeInstanceOf(Error);
    }
    const next = await signUp(identity, { email: uniqueEmail('after'), password: 'correct horse battery', name: 'After' });
    expect(next.user_id).toBe('usr_1001');
    // One signUp per operation still works.
    const one = await stack.query(signUps([uniqueEmail('one')]));
    expect(one.status, one.text).toBe(200);
    expect(one.json.data.s0.accessToken).toEqual(expect.any(String));
  });

  it('a 95 KB variable is not echoed: the error quotes a short excerpt', async () => {
    const huge = 'A'.repeat(95_000);
    const res = await stack.query('query ($n: Int) { products(first: $n) { edges { node { id } } } }', { n: huge });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.text.length).toBeLessThan(1_000);
    expect(res.text).not.toContain('A'.repeat(100));
  });

  it('100 unknown directives → a capped number of errors (LIMIT_MAX_ERRORS, 5), the rest counted', async () => {
    const res = await stack.query(`{ __typename ${'@aa '.repeat(100)}}`);
    expect(res.status).toBe(400);
    expect(res.json.errors).toHaveLength(5);
    expect(res.json.extensions.errorsOmitted).toBeGreaterThan(90);
  });

  it('the introspection query of newer tools (isOneOf) answers 200 like any other introspection', async () => {
    const res = await stack.query(getIntrospectionQuery({ oneOf: true, inputValueDeprecation: true, specifiedByUrl: true }));
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.json.errors).toBeUndefined();
    const input = res.json.data.__schema.types.find((t: { name: string }) => t.name === 'SignUpInput');
    expect(input).toMatchObject({ kind: 'INPUT_OBJECT', isOneOf: false });
  });
});
