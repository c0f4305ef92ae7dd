import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersistedQueryManifest } from '../../gateway/src/persistedQueries/PersistedQueryManifest.js';
import { operation } from '../harness/operations.js';
import { runEntry } from '../harness/runEntry.js';
import { describeOnReplicas } from '../harness/startReplicas.js';
import { startStack, type GraphQLResult, type Stack } from '../harness/startStack.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
// Apollo's mobile clients send this header; any non-empty preflight header passes CSRF prevention on a GET.
const PREFLIGHT = { 'x-apollo-operation-name': 'test' };

describe('automatic persisted queries (default: PERSISTED_QUERIES=apq)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('POST: hash only → PersistedQueryNotFound; text + hash → result; hash only → result', async () => {
    const query = operation('HomeScreen');
    const hash = sha256(query);

    const miss = await stack.post(JSON.stringify({ extensions: persisted(hash) }));
    expect(miss.status).toBe(200);
    expect(miss.json.errors).toEqual([{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }]);

    const register = await stack.post(JSON.stringify({ query, extensions: persisted(hash) }));
    expect(register.json.errors).toBeUndefined();
    expect(register.json.data.products.edges).toHaveLength(20);

    const hit = await stack.post(JSON.stringify({ extensions: persisted(hash) }));
    expect(hit.json.errors).toBeUndefined();
    expect(hit.json.data).toEqual(register.json.data);
  });

  it('GET (CDN-friendly reads): the same round trip with the hash and variables in the query string', async () => {
    const query = operation('ProductPage');
    const hash = sha256(query);
    const variables = { id: 'prod_0003', reviews: 2 };

    const miss = await stack.get({ operationName: 'ProductPage', variables, extensions: persisted(hash) }, PREFLIGHT);
    expect(miss.json.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(miss.json.errors?.[0]?.message).toBe('PersistedQueryNotFound');

    const register = await stack.get({ query, operationName: 'ProductPage', variables, extensions: persisted(hash) }, PREFLIGHT);
    expect(register.status).toBe(200);
    expect(register.json.errors).toBeUndefined();

    const hit = await stack.get({ operationName: 'ProductPage', variables, extensions: persisted(hash) }, PREFLIGHT);
    expect(hit.status).toBe(200);
    expect(hit.json.errors).toBeUndefined();
    expect(hit.json.data).toEqual(register.json.data);
  });

  it('a hash that is not the SHA-256 of the text → 400 BAD_REQUEST, nothing registered', async () => {
    const query = '{ products(first: 2) { edges { node { id } } } }';
    const wrong = sha256('something else');
    const res = await stack.post(JSON.stringify({ query, extensions: persisted(wrong) }));
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    const after = await stack.post(JSON.stringify({ extensions: persisted(wrong) }));
    expect(after.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('safelist mode (PERSISTED_QUERIES=safelist): only the supported app builds’ operations run', () => {
  let stack: Stack;
  const build = (name: string) => JSON.parse(readFileSync(new URL(`../../schema/app-builds/${name}.json`, import.meta.url), 'utf8')) as PersistedQueryManifest;
  const current = build('ios-3.2.0');
  const entry = (name: string, manifest = current) => manifest.operations.find((op) => op.name === name)!;
  beforeAll(async () => {
    stack = await startStack({ env: { PERSISTED_QUERIES: 'safelist' } });
  });
  afterAll(() => stack?.close());

  const expectNotAllowed = (res: GraphQLResult, secret?: string) => {
    expect(res.status).toBe(400);
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors).toEqual([{ message: 'This operation is not registered for this app.', extensions: { code: 'OPERATION_NOT_ALLOWED' } }]);
    if (secret) expect(JSON.stringify(res.json)).not.toContain(secret);
  };
  const expectNotFound = (res: GraphQLResult) => {
    expect(res.status).toBe(200);
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors).toEqual([{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }]);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  };

  it('a manifest operation by its id (hash only, POST and GET) runs the registered body', async () => {
    const home = entry('HomeScreen');
    const res = await stack.post(JSON.stringify({ extensions: persisted(home.id) }));
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.products.edges).toHaveLength(20);

    const page = await stack.get({ operationName: 'ProductPage', variables: { id: 'prod_0004' }, extensions: persisted(entry('ProductPage').id) }, PREFLIGHT);
    expect(page.status).toBe(200);
    expect(page.json.errors).toBeUndefined();
    expect(page.json.data).toMatchObject({ product: { id: 'prod_0004' } });
  });

  it('the safelist is the union of the builds: an older build’s HomeScreen (another body, same name) runs too', async () => {
    const old = entry('HomeScreen', build('ios-3.1.0'));
    expect(old.id).not.toBe(entry('HomeScreen').id);
    const res = await stack.post(JSON.stringify({ operationName: 'HomeScreen', extensions: persisted(old.id) }));
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.products.edges).toHaveLength(10);
    expect(res.json.data.products.edges[0]).toMatchObject({ cursor: expect.any(String), __typename: 'ProductEdge' });
  });

  it('a manifest operation by its full text runs: the registered body exactly, or with other whitespace', async () => {
    const exact = await stack.query(entry('HomeScreen').body);
    expect(exact.json.errors).toBeUndefined();
    const reformatted = await stack.query(entry('BrowseCategory').body.replace(/\n\s*/g, ' '), { first: 3 });
    expect(reformatted.status).toBe(200);
    expect(reformatted.json.errors).toBeUndefined();
    expect(reformatted.json.data.products.edges).toHaveLength(3);
    // Text and its id together, as Apollo clients retry.
    const both = await stack.post(JSON.stringify({ query: entry('HomeScreen').body, extensions: persisted(entry('HomeScreen').id) }));
    expect(both.json.errors).toBeUndefined();
  });

  it('an operation that is not in the manifest → 400 OPERATION_NOT_ALLOWED, its text not echoed', async () => {
    expectNotAllowed(await stack.query('{ products(first: 100) { edges { node { secretField: description } } } }'), 'secretField');
    // A registered operation, changed: not the same operation any more.
    expectNotAllowed(await stack.query(entry('HomeScreen').body.replace('first: 20', 'first: 100')));
    // The app's file as written, without the __typename fields Apollo clients add: not what any build sends.
    expectNotAllowed(await stack.query(operation('HomeScreen')));
    expectNotAllowed(await stack.query('{ __schema { types { name } } }'), '__schema');
  });

  it('an unknown id alone → PERSISTED_QUERY_NOT_FOUND (clients resend the text); with a text not registered → OPERATION_NOT_ALLOWED; registering (APQ) is impossible', async () => {
    expectNotFound(await stack.post(JSON.stringify({ extensions: persisted(sha256('{ __typename }')) })));
    expectNotAllowed(await stack.post(JSON.stringify({ query: entry('HomeScreen').body, extensions: persisted(entry('ProductPage').id) })));
    const query = '{ products(first: 1) { edges { node { id } } } }';
    expectNotAllowed(await stack.post(JSON.stringify({ query, extensions: persisted(sha256(query)) })));
    expectNotFound(await stack.post(JSON.stringify({ extensions: persisted(sha256(query)) })));
  });

  it('the operation name a client sends never turns a refusal into 400 "Unknown operation named …"', async () => {
    const unknown = sha256('query HomeScreen { products(first: 1) { edges { cursor } } }');
    expectNotFound(await stack.get({ operationName: 'HomeScreen', extensions: persisted(unknown) }, PREFLIGHT));
    expectNotAllowed(await stack.post(JSON.stringify({ operationName: 'HomeScreen', query: operation('HomeScreen'), extensions: persisted(unknown) })));
  });
});

describeOnReplicas('automatic persisted queries are shared by replicas through Redis', process.env.REDIS_URL, {}, (replicas) => {
  it('registered on replica A, served by hash on replica B', async () => {
    const { a, b } = replicas();
    const query = operation('BrowseCategory');
    const hash = sha256(query);
    expect((await b.post(JSON.stringify({ extensions: persisted(hash), variables: { first: 2 } }))).json.errors[0].extensions.code).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
    const register = await a.post(JSON.stringify({ query, extensions: persisted(hash), variables: { first: 2 } }));
    expect(register.json.errors).toBeUndefined();
    // Apollo stores the registration without waiting for it.
    await expect.poll(async () => (await b.post(JSON.stringify({ extensions: persisted(hash), variables: { first: 2 } }))).json.errors).toBeUndefined();
    const hit = await b.post(JSON.stringify({ extensions: persisted(hash), variables: { first: 2 } }));
    expect(hit.json.data).toEqual(register.json.data);
  });

  it('does not store a huge query in Redis: registering cannot fill the shared store', async () => {
    const { a, b } = replicas();
    // One string literal is one token, so this passes the token limit; only its size is large.
    const query = `{ products(first: 1, category: "${'x'.repeat(20_000)}") { edges { node { id } } } }`;
    const hash = sha256(query);
    const register = await a.post(JSON.stringify({ query, extensions: persisted(hash) }));
    expect(register.status).toBe(200);
    // Give a (wrongly) stored registration time to land before asking for it.
    await new Promise((r) => setTimeout(r, 200));
    const byHash = await b.post(JSON.stringify({ extensions: persisted(hash) }));
    expect(byHash.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('safelist mode without a readable manifest', () => {
  it.each([
    ['missing', 'schema/no-such-manifest.json', 'Persisted query manifest not found'],
    ['not a manifest', 'package.json', 'Not a valid persisted query manifest'],
  ])('%s: the gateway does not start, and says which file and why', (_name, file, message) => {
    const res = runEntry('gateway/src/main.ts', { GATEWAY_PORT: '0', PERSISTED_QUERIES: 'safelist', PERSISTED_QUERY_MANIFEST: file });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(message);
    expect(res.stderr).toContain(file);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
