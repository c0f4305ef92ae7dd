import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { NONCE_ARGUMENT, type BenchSubgraph } from './subgraphs/BenchSubgraph.js';
import { benchSubgraphs, type BenchSubgraphName } from './subgraphs/index.js';

/** Stats path on every bench subgraph: GET reads them, DELETE zeroes them. */
export const STATS_PATH = '/__stats';

export interface BenchSubgraphStats {
  /** GraphQL requests received. */
  readonly requests: number;
  /** Different request bodies among them (counted up to DISTINCT_CAP, then stays there). */
  readonly distinctBodies: number;
}

export interface RunningBenchSubgraphs {
  /** Subgraph name → its GraphQL URL on 127.0.0.1. */
  readonly urls: Readonly<Record<BenchSubgraphName, string>>;
  stats(): Record<BenchSubgraphName, BenchSubgraphStats>;
  resetStats(): void;
  close(): Promise<void>;
}

/** Bodies remembered to count distinct ones: enough for any check, bounded under a varied load. */
const DISTINCT_CAP = 10_000;
/** Memoized answers kept; the benchmark's query needs about 16, so a clear past this never happens in a run. */
const MEMO_CAP = 10_000;

interface GraphQLBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/**
 * A subgraph whose answers cost almost nothing: each answer is computed once and memoized,
 * by raw request body for the identical requests and by query + variables without the
 * nonce for the varied ones (whose bodies are all different but ask the same), so that
 * the benchmark measures the gateway, not the subgraphs. Counts what it receives.
 */
function createMemoizedSubgraph(subgraph: BenchSubgraph) {
  const schema: GraphQLSchema = buildSubgraphSchema({ typeDefs: parse(subgraph.sdl), resolvers: subgraph.resolvers });
  const documents = new Map<string, DocumentNode | readonly Error[]>();
  const byBody = new Map<string, string>();
  const byRequest = new Map<string, string>();
  let requests = 0;
  const distinct = new Set<string>();

  function documentOf(query: string): DocumentNode | readonly Error[] {
    let document = documents.get(query);
    if (document === undefined) {
      try {
        const parsed = parse(query);
        const errors = validate(schema, parsed);
        document = errors.length > 0 ? errors : parsed;
      } catch (err) {
        document = [err as Error];
      }
      if (documents.size >= MEMO_CAP) documents.clear();
      documents.set(query, document);
    }
    return document;
  }

  async function compute(body: GraphQLBody): Promise<string> {
    if (typeof body.query !== 'string') return JSON.stringify({ errors: [{ message: 'query: expected a string' }] });
    const variables = body.variables !== null && typeof body.variables === 'object' ? { ...(body.variables as Record<string, unknown>) } : {};
    delete variables[NONCE_ARGUMENT];
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const key = `${operationName ?? ''}\n${body.query}\n${JSON.stringify(variables)}`;
    const known = byRequest.get(key);
    if (known !== undefined) return known;
    const document = documentOf(body.query);
    const result = Array.isArray(document)
      ? { errors: document.map((e) => ({ message: e.message })) }
      : await execute({ schema, document: document as DocumentNode, variableValues: variables, operationName, contextValue: {} });
    const answer = JSON.stringify(result);
    if (byRequest.size >= MEMO_CAP) byRequest.clear();
    byRequest.set(key, answer);
    return answer;
  }

  return {
    async answer(raw: string): Promise<{ status: number; body: string }> {
      requests++;
      if (distinct.size < DISTINCT_CAP) distinct.add(raw);
      const memo = byBody.get(raw);
      if (memo !== undefined) return { status: 200, body: memo };
      let body: GraphQLBody;
      try {
        body = JSON.parse(raw) as GraphQLBody;
      } catch {
        return { status: 400, body: JSON.stringify({ errors: [{ message: 'body: expected JSON' }] }) };
      }
      const answer = await compute(body);
      // A body with a nonce never comes again: remembering it would only crowd out the rest.
      const hasNonce = body.variables !== null && typeof body.variables === 'object' && NONCE_ARGUMENT in body.variables;
      if (!hasNonce) {
        if (byBody.size >= MEMO_CAP) byBody.clear();
        byBody.set(raw, answer);
      }
      return { status: 200, body: answer };
    },
    stats: (): BenchSubgraphStats => ({ requests, distinctBodies: distinct.size }),
    reset() {
      requests = 0;
      distinct.clear();
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Starts the benchmark's four subgraphs on 127.0.0.1, each on a port of its own (port 0):
 * POST /graphql answers GraphQL, GET/DELETE /__stats reads/zeroes what it received.
 */
export async function startBenchSubgraphs(): Promise<RunningBenchSubgraphs> {
  const started: { name: BenchSubgraphName; server: Server; url: string; subgraph: ReturnType<typeof createMemoizedSubgraph> }[] = [];
  try {
    for (const definition of benchSubgraphs) {
      const subgraph = createMemoizedSubgraph(definition);
      const server = createServer((req, res) => {
        if (req.url === STATS_PATH && (req.method === 'GET' || req.method === 'DELETE')) {
          if (req.method === 'DELETE') subgraph.reset();
          send(res, 200, JSON.stringify(subgraph.stats()));
          return;
        }
        if (req.method !== 'POST' || req.url !== '/graphql') {
          send(res, 404, JSON.stringify({ errors: [{ message: 'POST /graphql' }] }));
          return;
        }
        readBody(req)
          .then((raw) => subgraph.answer(raw))
          .then(({ status, body }) => send(res, status, body))
          .catch((err: Error) => send(res, 500, JSON.stringify({ errors: [{ message: err.message }] })));
      });
      // Longer than any gateway's idle timeout: the gateway closes an idle connection first, never
      // this side while the gateway reuses it (which would fail a fetch with a reset).
      server.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      started.push({ name: definition.name, server, url: `http://127.0.0.1:${port}/graphql`, subgraph });
    }
  } catch (err) {
    await Promise.all(started.map(({ server }) => closeServer(server)));
    throw err;
  }
  return {
    urls: Object.fromEntries(started.map(({ name, url }) => [name, url])) as Record<BenchSubgraphName, string>,
    stats: () => Object.fromEntries(started.map(({ name, subgraph }) => [name, subgraph.stats()])) as Record<BenchSubgraphName, BenchSubgraphStats>,
    resetStats: () => started.forEach(({ subgraph }) => subgraph.reset()),
    close: () => Promise.all(started.map(({ server }) => closeServer(server))).then(() => undefined),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
