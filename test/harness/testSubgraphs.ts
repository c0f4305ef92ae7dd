import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { generateIdentityKeys, type IdentityKeys } from '../../platform/identity/generateIdentityKeys.js';
import type { Viewer } from '../../platform/identity/Viewer.js';
import { AppError } from '../../platform/errors/AppError.js';
import { createLogger, type Logger } from '../../platform/log/createLogger.js';
import { createHttpHandler } from '../../platform/http/createHttpHandler.js';
import { createSubgraphServer, type SubgraphContext } from '../../subgraphs/kit/server/createSubgraphServer.js';
import { requestIdPlugin } from '../../platform/http/requestIdPlugin.js';
import { startHttpServer, type RunningHttpServer } from '../../platform/http/startHttpServer.js';
import { composeSupergraph } from '../../schema/composeSupergraph.js';
import { parseGatewayConfig } from '../../gateway/src/config.js';
import { createGateway, type Gateway } from '../../gateway/src/createGateway.js';
import { disableApolloTelemetry } from '../../gateway/src/plugins/telemetryOff.js';
import { COLD_START_BUDGETS } from './coldStartBudgets.js';

/*
 * Two throwaway subgraphs sharing an entity, started for real on 127.0.0.1 port 0:
 *   alpha owns `Query.things` and `Thing.title`; omega adds `Thing.score`.
 * Names are chosen so that neither "alpha" nor "omega" appears in any response data.
 */

export const alphaSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { things: [Thing!]! }
  type Thing @key(fields: "id") { id: ID! title: String! }
`;

export const omegaSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Thing @key(fields: "id") { id: ID! score: Int }
`;

export const THINGS_QUERY = '{ things { id title score } }';

export const silentLogger: Logger = createLogger({ service: 'test', level: 'silent' });

let identityKeys: Promise<IdentityKeys> | undefined;
/** One gateway identity key pair per test process: the test gateway signs with it, alpha and omega verify with it. */
export function testIdentityKeys(): Promise<IdentityKeys> {
  return (identityKeys ??= generateIdentityKeys());
}

export interface TestSubgraph {
  readonly url: string;
  readonly http: RunningHttpServer;
  /** `x-request-id` of every GraphQL request the subgraph received, in order. */
  readonly requestIds: string[];
  /** The viewer in the context of every GraphQL request (from the verified gateway identity), in order. */
  readonly viewers: (Viewer | null)[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** `verifyIdentity: false` = no GATEWAY_IDENTITY_JWKS (development mode: anonymous only). */
export async function startAlpha(options: { verifyIdentity?: boolean } = {}): Promise<TestSubgraph> {
  const received = recordRequests();
  const server = createSubgraphServer<SubgraphContext>({
    name: 'alpha',
    typeDefs: parse(alphaSdl),
    logger: silentLogger,
    identityJwks: options.verifyIdentity === false ? undefined : (await testIdentityKeys()).publicJwks,
    createContext: received.createContext,
    resolvers: {
      Query: { things: () => [1, 2, 3].map((n) => ({ id: String(n), title: `Thing ${n}` })) },
      Thing: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, title: `Thing ${ref.id}` }) },
    },
  });
  return serve(server, received);
}

export type OmegaBehaviour =
  | { kind: 'ok' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'appError'; code: 'VENDOR_UNAVAILABLE' | 'VENDOR_RATE_LIMITED' };

/** The second subgraph, built with the kit like a real one. Its behaviour can change between requests. */
export async function startOmega(initial: OmegaBehaviour = { kind: 'ok' }): Promise<TestSubgraph & { setBehaviour(b: OmegaBehaviour): void; started: () => number }> {
  const received = recordRequests();
  let started = 0;
  const state = { behaviour: initial };
  const server = createSubgraphServer<SubgraphContext>({
    name: 'omega',
    typeDefs: parse(omegaSdl),
    logger: silentLogger,
    identityJwks: (await testIdentityKeys()).publicJwks,
    createContext: received.createContext,
    resolvers: {
      Thing: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        score: async (thing: { id: string }) => {
          started += 1;
          const b = state.behaviour;
          if (b.kind === 'slow') await sleep(b.delayMs);
          if (b.kind === 'appError') {
            throw new AppError(b.code, undefined, b.code === 'VENDOR_RATE_LIMITED' ? { extensions: { retryAfterSeconds: 7 } } : {});
          }
          return Number(thing.id) * 10;
        },
      },
    },
  });
  const running = await serve(server, received);
  return {
    ...running,
    setBehaviour(b: OmegaBehaviour) {
      state.behaviour = b;
    },
    started: () => started,
  };
}

/**
 * A subgraph written without the kit, that leaks: raw exception messages, unknown codes,
 * stack traces. The gateway must not pass any of that on.
 */
export async function startLeakyOmega(secret: string): Promise<TestSubgraph> {
  const apollo = new ApolloServer<SubgraphContext>({
    schema: buildSubgraphSchema({
      typeDefs: parse(omegaSdl),
      resolvers: {
        Thing: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          score: (thing: { id: string }) => {
            if (thing.id === '1') throw new Error(`connect ECONNREFUSED db.internal:5432 ${secret}`);
            throw new GraphQLError(`weird failure ${secret}`, { extensions: { code: 'WEIRD_CODE', detail: secret } });
          },
        },
      },
    }),
    includeStacktraceInErrorResponses: true,
    plugins: [requestIdPlugin<SubgraphContext>()],
    logger: silentLogger,
  });
  await apollo.start();
  const requestIds: string[] = [];
  const handler = createHttpHandler<SubgraphContext>({
    apollo,
    logger: silentLogger,
    isReady: () => true,
    context: async ({ requestId }) => {
      requestIds.push(requestId);
      return { requestId, logger: silentLogger, viewer: null };
    },
  });
  const http = await startHttpServer(handler, { host: '127.0.0.1', port: 0 });
  return wrap(http, requestIds, () => apollo.stop());
}

/** Not a GraphQL server at all: answers every request with `respond`. */
export async function startRawServer(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestSubgraph> {
  const http = await startHttpServer((req, res) => {
    req.resume();
    req.on('end', () => respond(req, res));
  }, { host: '127.0.0.1', port: 0 });
  return wrap(http, [], async () => {});
}

/** What alpha and omega remember of every GraphQL request, recorded by their context factory. */
function recordRequests() {
  const requestIds: string[] = [];
  const viewers: (Viewer | null)[] = [];
  const createContext = ({ requestId, logger, viewer }: SubgraphContext): SubgraphContext => {
    requestIds.push(requestId);
    viewers.push(viewer);
    return { requestId, logger, viewer };
  };
  return { requestIds, viewers, createContext };
}

async function serve(
  server: ReturnType<typeof createSubgraphServer<SubgraphContext>>,
  received: { requestIds: string[]; viewers: (Viewer | null)[] },
): Promise<TestSubgraph> {
  await server.start();
  const http = await startHttpServer(server.handler, { host: '127.0.0.1', port: 0 });
  return wrap(http, received.requestIds, () => server.stop(), received.viewers);
}

function wrap(http: RunningHttpServer, requestIds: string[], stop: () => Promise<void>, viewers: (Viewer | null)[] = []): TestSubgraph {
  let connections = 0;
  http.server.on('connection', () => {
    connections += 1;
  });
  let closed: Promise<void> | undefined;
  return {
    url: `${http.origin}/graphql`,
    http,
    requestIds,
    viewers,
    connections: () => connections,
    close() {
      closed ??= (async () => {
        await http.close(200);
        await stop();
      })();
      return closed;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The supergraph of alpha + omega, composed by our own composition. */
export function testSupergraph(): string {
  const result = composeSupergraph([
    { name: 'alpha', url: 'http://alpha.invalid/graphql', typeDefs: alphaSdl },
    { name: 'omega', url: 'http://omega.invalid/graphql', typeDefs: omegaSdl },
  ]);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.supergraphSdl;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response shapes
type Json = any;

export interface GatewayResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Json;
}

export interface TestGateway {
  readonly gateway: Gateway;
  readonly http: RunningHttpServer;
  readonly url: string;
  post(body: string, headers?: Record<string, string>): Promise<GatewayResponse>;
  query(query: string, headers?: Record<string, string>): Promise<GatewayResponse>;
  close(): Promise<void>;
}

/**
 * The gateway over alpha + omega, configured through the same parser as main.ts. Its request
 * budget and subgraph timeout default to COLD_START_BUDGETS: a test's first query meets a cold
 * gateway, which on a busy machine can outlast the production 1 s and lose fields the test is
 * not about. Tests of the budget or the timeout set their own.
 */
export async function startTestGateway(urls: { alpha: string; omega: string }, env: Record<string, string> = {}): Promise<TestGateway> {
  disableApolloTelemetry(process.env);
  const config = parseGatewayConfig({
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    SUBGRAPH_URLS: `alpha=${urls.alpha},omega=${urls.omega}`,
    GATEWAY_IDENTITY_PRIVATE_KEY: (await testIdentityKeys()).privateJwk,
    ...COLD_START_BUDGETS,
    ...env,
  });
  const gateway = createGateway({ config, supergraphSdl: testSupergraph(), logger: silentLogger });
  await gateway.start();
  const http = await startHttpServer(gateway.handler, { host: '127.0.0.1', port: 0 });
  const url = `${http.origin}/graphql`;
  const post = async (body: string, headers: Record<string, string> = {}): Promise<GatewayResponse> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await res.text();
    let json: Json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    gateway,
    http,
    url,
    post,
    query: (query, headers) => post(JSON.stringify({ query }), headers),
    async close() {
      gateway.drain();
      await http.close(1_000);
      await gateway.stop();
    },
  };
}

/** One request on a brand-new TCP connection (no pooling), so a closed listener shows as ECONNREFUSED. */
export function freshConnectionGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

export function portOf(url: string): string {
  return new URL(url).port;
}

export type Omega = Awaited<ReturnType<typeof startOmega>>;

/** The usual topology of a gateway test: alpha and omega behind a test gateway. */
export interface Topology {
  readonly alpha: TestSubgraph;
  readonly omega: Omega;
  readonly gw: TestGateway;
  close(): Promise<void>;
}

export async function startTopology(env: Record<string, string> = {}, omegaBehaviour?: OmegaBehaviour): Promise<Topology> {
  const alpha = await startAlpha();
  const omega = await startOmega(omegaBehaviour);
  try {
    const gw = await startTestGateway({ alpha: alpha.url, omega: omega.url }, env);
    return {
      alpha,
      omega,
      gw,
      async close() {
        await gw.close();
        await alpha.close();
        await omega.close();
      },
    };
  } catch (err) {
    await alpha.close();
    await omega.close();
    throw err;
  }
}
