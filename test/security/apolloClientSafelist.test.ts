import { createHash } from 'node:crypto';
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, ServerError, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Sent {
  readonly method: string;
  readonly query: string | undefined;
  readonly hash: string | undefined;
  readonly status: number;
  readonly body: string;
}

/**
 * The mobile app's client as shipped: @apollo/client 4 with its persisted-queries link
 * (hashed GET, text only when the server asks for it) over HttpLink, with Node's fetch,
 * against the whole stack in safelist mode. Every request and answer is recorded.
 */
describe('safelist mode with @apollo/client 4 and its persisted-queries link (hashed GET)', () => {
  let stack: Stack;
  let client: ApolloClient;
  const sent: Sent[] = [];

  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const fromBody = init?.body ? (JSON.parse(String(init.body)) as { query?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } }) : undefined;
    const extensions = url.searchParams.get('extensions');
    const response = await fetch(input, init);
    const body = await response.clone().text();
    sent.push({
      method: init?.method ?? 'GET',
      query: url.searchParams.get('query') ?? fromBody?.query,
      hash: (extensions ? (JSON.parse(extensions) as { persistedQuery?: { sha256Hash?: string } }) : fromBody?.extensions)?.persistedQuery?.sha256Hash,
      status: response.status,
      body,
    });
    return response;
  };

  beforeAll(async () => {
    stack = await startStack({ env: { PERSISTED_QUERIES: 'safelist' } });
    client = new ApolloClient({
      cache: new InMemoryCache(),
      link: new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(new HttpLink({ uri: stack.gatewayUrl, fetch: recordingFetch })),
    });
  });
  afterAll(async () => {
    client?.stop();
    await stack?.close();
  });
  beforeEach(() => {
    sent.length = 0;
  });

  it('the home screen runs: one GET with the hash only, 20 products', async () => {
    const result = await client.query({ query: gql(operation('HomeScreen')), fetchPolicy: 'network-only' });
    expect(result.error).toBeUndefined();
    expect(result.data).toMatchObject({ products: { edges: expect.any(Array) } });
    expect((result.data as { products: { edges: unknown[] } }).products.edges).toHaveLength(20);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'GET', query: undefined, hash: expect.stringMatching(/^[0-9a-f]{64}$/), status: 200 });
  });

  it('an older build’s HomeScreen (ios-3.1.0) runs too: the safelist is the union of supported builds', async () => {
    const old = gql`
      query HomeScreen {
        products(first: 10) {
          edges { cursor node { id name price { amount currency } imageUrl rating { average } reviews(first: 2) { rating title author { displayName } } } }
          pageInfo { endCursor hasNextPage }
        }
      }
    `;
    const result = await client.query({ query: old, fetchPolicy: 'network-only' });
    expect(result.error).toBeUndefined();
    expect((result.data as { products: { edges: unknown[] } }).products.edges).toHaveLength(10);
    expect(sent.map((s) => s.method)).toEqual(['GET']);
  });

  it('an unregistered operation: PERSISTED_QUERY_NOT_FOUND for the hash, the link resends the text, which gets OPERATION_NOT_ALLOWED (never "Unknown operation")', async () => {
    const unregistered = gql`
      query HomeScreen {
        products(first: 100) { edges { node { id description } } }
      }
    `;
    const result = await client.query({ query: unregistered, fetchPolicy: 'network-only', errorPolicy: 'none' }).catch((error: unknown) => ({ error, data: undefined }));
    expect(result.data).toBeUndefined();

    expect(sent).toHaveLength(2);
    const [hashed, withText] = sent;
    expect(hashed).toMatchObject({ method: 'GET', query: undefined, status: 200 });
    expect(JSON.parse(hashed?.body ?? '{}')).toMatchObject({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
    expect(withText).toMatchObject({ method: 'POST', query: expect.stringContaining('description'), hash: hashed?.hash, status: 400 });
    expect(JSON.parse(withText?.body ?? '{}')).toMatchObject({
      errors: [{ message: 'This operation is not registered for this app.', extensions: { code: 'OPERATION_NOT_ALLOWED' } }],
    });
    for (const request of sent) expect(request.body).not.toContain('Unknown operation');

    // What the app's code sees: an error whose code it can act on.
    const error = result.error;
    const codes = CombinedGraphQLErrors.is(error)
      ? error.errors.map((e) => e.extensions?.code)
      : ServerError.is(error)
        ? (JSON.parse(error.bodyText) as { errors: { extensions: { code: string } }[] }).errors.map((e) => e.extensions.code)
        : [String(error)];
    expect(codes).toEqual(['OPERATION_NOT_ALLOWED']);
  });
});
