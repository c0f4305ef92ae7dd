import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/log/createLogger.js';
import { createSubgraphFetcher } from '../src/datasources/createSubgraphFetcher.js';
import { SubgraphDataSource } from '../src/datasources/SubgraphDataSource.js';
import { SubgraphUnavailableError } from '../src/datasources/SubgraphUnavailableError.js';

/** node-fetch as @apollo/gateway requires it: the module object whose `Request` its sendRequest reads at each call. */
const apolloNodeFetch = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'))('node-fetch') as { Request: new (...args: unknown[]) => object };

/** What the subgraph answers next, and what it received. */
let answer: { status: number; body: string } = { status: 200, body: '{"data":{"__typename":"Query"}}' };
const received: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sources: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
  received.length = 0;
  answer = { status: 200, body: '{"data":{"__typename":"Query"}}' };
});

function subgraphSource(): SubgraphDataSource {
  const source = new SubgraphDataSource({ name: 'alpha', url, timeoutMs: 5_000, connections: 2, logger: createLogger({ service: 'test', level: 'silent' }), identity: null });
  sources.push(source);
  return source;
}

/** A fetch outside any client request (Apollo's health check): Apollo's process and sendRequest, nothing of ours around them. */
const healthCheck = (query = '{ __typename }') =>
  ({ kind: 'health check', request: { query, variables: { a: 1 } }, context: {} }) as unknown as GraphQLDataSourceProcessOptions<never>;

/** Runs `work` while counting the node-fetch Requests Apollo's code builds. */
async function countingRequests<T>(work: () => Promise<T>): Promise<{ requests: number; result: T }> {
  const original = apolloNodeFetch.Request;
  let requests = 0;
  apolloNodeFetch.Request = class extends original {
    constructor(...args: unknown[]) {
      super(...args);
      requests++;
    }
  };
  try {
    const result = await work();
    return { requests, result };
  } finally {
    apolloNodeFetch.Request = original;
  }
}

describe("SubgraphDataSource's sendRequest (Apollo's, without the node-fetch Request)", () => {
  it('sends what Apollo sends and answers what Apollo answers, building no node-fetch Request (plain Apollo builds one per fetch)', async () => {
    const plain = new RemoteGraphQLDataSource({ url });
    const pool = createSubgraphFetcher({ url, timeoutMs: 5_000, connections: 1 });
    sources.push(pool);
    plain.fetcher = pool.fetcher;
    const apollo = await countingRequests(() => plain.process(healthCheck()));
    const ours = await countingRequests(() => subgraphSource().process(healthCheck()));

    // Proves the counter counts, and that Apollo still sends through `sendRequest` (were it renamed, ours would count 1 too).
    expect(apollo.requests).toBe(1);
    expect(ours.requests).toBe(0);
    // What makes leaving the Request out safe: Apollo's parseBody, which reads the response alone.
    expect(SubgraphDataSource.prototype.parseBody).toBe(RemoteGraphQLDataSource.prototype.parseBody);
    const strip = ({ http: _http, ...rest }: Record<string, unknown>) => rest;
    expect(strip(ours.result as Record<string, unknown>)).toEqual(strip(apollo.result as Record<string, unknown>));
    expect(strip(ours.result as Record<string, unknown>)).toEqual({ data: { __typename: 'Query' } });
    expect((ours.result as { http?: { status: number } }).http?.status).toBe(200);
    expect(received.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { query: '{ __typename }', variables: { a: 1 } },
      { query: '{ __typename }', variables: { a: 1 } },
    ]);
    expect(received[1]!.headers['content-type']).toBe('application/json');
  });

  it('a non-2xx answer or a body that is not a JSON object fails the fetch as SERVICE_UNAVAILABLE, without the body', async () => {
    const source = subgraphSource();
    answer = { status: 502, body: '{"secret":"vendor says no"}' };
    const status = await source.process(healthCheck()).catch((err: unknown) => err);
    expect(status).toBeInstanceOf(SubgraphUnavailableError);
    expect(status).toMatchObject({ reason: 'status', status: 502 });
    expect(String((status as Error).message)).not.toContain('vendor says no');

    for (const body of ['[1,2]', '"text"', '42', 'null', '{"data":']) {
      answer = { status: 200, body };
      const err = await source.process(healthCheck()).catch((e: unknown) => e);
      expect(err, body).toBeInstanceOf(SubgraphUnavailableError);
      expect(err, body).toMatchObject({ reason: 'bad_response' });
    }
  });
});
