import type { ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../platform/http/startHttpServer.js';
import { composeSupergraph } from '../../schema/composeSupergraph.js';
import { parsePrometheusText, type Exposition } from '../../test/harness/prometheusText.js';
import { silentLogger, testIdentityKeys } from '../../test/harness/testSubgraphs.js';
import { parseGatewayConfig } from '../src/config.js';
import { createGateway, type Gateway } from '../src/createGateway.js';
import { InFlightFetches } from '../src/datasources/InFlightFetches.js';
import { SubgraphDataSource } from '../src/datasources/SubgraphDataSource.js';
import { disableApolloTelemetry } from '../src/plugins/telemetryOff.js';
import { startLocalIssuer } from './auth/localIssuer.js';
import { capturingLogger } from './capturingLogger.js';
import { closeAfterEach } from './closeAfterEach.js';

const sdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { things: [Thing!]! }
  type Mutation { bump: Int! }
  type Thing @key(fields: "id") { id: ID! title: String! }
`;
const THINGS = '{ things { id title } }';
const BUMP = 'mutation { bump }';
const ANSWER = { things: [1, 2, 3].map((n) => ({ id: String(n), title: `Thing ${n}` })) };
// Budgets no held fetch outlives: a held request ends when the test releases or fails it.
const HELD_ENV = { REQUEST_BUDGET_MS: '60000', SUBGRAPH_TIMEOUT_MS: '60000', SUBGRAPH_BREAKER_FAILURES: '2', SUBGRAPH_BREAKER_WINDOW_MS: '600000' };

interface Received {
  readonly body: { query: string; variables?: unknown };
  readonly identity: string | undefined;
  readonly res: ServerResponse;
}

/** A subgraph on 127.0.0.1 that holds every request until the test answers it, and remembers what it received. */
async function startHeldSubgraph() {
  const received: Received[] = [];
  let closed: Promise<void> | undefined;
  const http: RunningHttpServer = await startHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const identity = req.headers['x-gateway-identity'];
      received.push({ body: JSON.parse(Buffer.concat(chunks).toString()) as Received['body'], identity: typeof identity === 'string' ? identity : undefined, res });
    });
  }, { host: '127.0.0.1', port: 0 });
  const answer = (r: Received) => {
    r.res.setHeader('content-type', 'application/json');
    r.res.end(JSON.stringify({ data: r.body.query.includes('bump') ? { bump: 1 } : ANSWER }));
  };
  return {
    url: `${http.origin}/graphql`,
    received,
    /** Waits (polling) until `n` requests have arrived. */
    arrived: (n: number) => vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(n), { timeout: 15_000, interval: 10 }),
    releaseAll: () => received.filter((r) => !r.res.writableEnded).forEach(answer),
    failAll: (how: 'reset' | '503' | 'garbage') => {
      for (const r of received.filter((x) => !x.res.writableEnded)) {
        if (how === 'reset') r.res.socket?.destroy();
        else if (how === '503') r.res.writeHead(503, { 'content-type': 'text/plain' }).end('down');
        else r.res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": nonsense');
      }
    },
    // Idempotent: tests close it before the gateway (whose pool waits for held requests), and closeAfterEach again.
    close: () => (closed ??= http.close(0)),
  };
}

interface TestGw {
  readonly gateway: Gateway;
  readonly lines: string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response shapes
  query(query: string, headers?: Record<string, string>, signal?: AbortSignal): Promise<{ status: number; json: any }>;
  metrics(): Promise<Exposition>;
  /** GraphQL requests whose client closed the connection before the answer. */
  clientsGone(): number;
  close(): Promise<void>;
}

async function startGateway(subgraphUrl: string, env: Record<string, string> = {}): Promise<TestGw> {
  disableApolloTelemetry(process.env);
  const composed = composeSupergraph([{ name: 'alpha', url: 'http://alpha.invalid/graphql', typeDefs: sdl }]);
  if (!composed.ok) throw new Error(composed.errors.join('\n'));
  const config = parseGatewayConfig({
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'debug',
    NODE_ENV: 'test',
    SUBGRAPH_URLS: `alpha=${subgraphUrl}`,
    GATEWAY_IDENTITY_PRIVATE_KEY: (await testIdentityKeys()).privateJwk,
    ...HELD_ENV,
    ...env,
  });
  const { logger, lines } = capturingLogger('gateway', 'debug');
  const gateway = createGateway({ config, supergraphSdl: composed.supergraphSdl, logger });
  await gateway.start();
  const http = await startHttpServer(gateway.handler, { host: '127.0.0.1', port: 0 });
  let gone = 0;
  http.server.on('request', (_req, res: ServerResponse) => res.once('close', () => (gone += res.writableFinished ? 0 : 1)));
  return {
    clientsGone: () => gone,
    gateway,
    lines,
    async query(query, headers = {}, signal) {
      const res = await fetch(`${http.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }), signal });
      return { status: res.status, json: await res.json() };
    },
    metrics: async () => parsePrometheusText(await (await fetch(`${http.origin}/metrics`)).text()),
    async close() {
      gateway.drain();
      await http.close(0);
      await gateway.stop();
    },
  };
}

/** A full answer: the subgraph's data, no error. */
function expectFull(answer: { json: { data?: unknown; errors?: unknown } }): void {
  expect(answer.json.errors).toBeUndefined();
  expect(answer.json.data).toEqual(ANSWER);
}

const fetches = (e: Exposition, outcome: string) => e.value('gateway_subgraph_fetches_total', { subgraph: 'alpha', outcome });
/** The reasons the gateway logged for failed alpha fetches, one per caller. */
const failureReasons = (lines: string[]) =>
  lines.map((l) => JSON.parse(l) as { msg: string; reason?: string }).filter((l) => l.msg === 'subgraph fetch failed').map((l) => l.reason);

describe('identical subgraph fetches in flight (SUBGRAPH_DEDUPE)', () => {
  const track = closeAfterEach();

  /** A held subgraph and a gateway in front of it; the subgraph closed first after the test (the gateway's pool waits for held requests), then again with the rest. */
  const heldStack = async (env: Record<string, string> = {}) => {
    const alpha = await track(startHeldSubgraph());
    const gw = await track(startGateway(alpha.url, env));
    await track({ close: () => alpha.close() });
    return { alpha, gw };
  };

  /** Waits until `n` callers have joined a fetch in flight (counted as they join). */
  const joined = (gw: TestGw, n: number) => vi.waitFor(async () => expect(fetches(await gw.metrics(), 'deduplicated')).toBe(n), { timeout: 15_000, interval: 10 });

  it('N identical anonymous queries in flight: one subgraph request, every caller answered in full', async () => {
    const { alpha, gw } = await heldStack();
    const answers = Array.from({ length: 4 }, () => gw.query(THINGS));
    await alpha.arrived(1);
    await joined(gw, 3);
    alpha.releaseAll();
    for (const a of await Promise.all(answers)) expectFull(a);
    expect(alpha.received).toHaveLength(1);
    const e = await gw.metrics();
    expect(fetches(e, 'ok')).toBe(1);
    expect(fetches(e, 'deduplicated')).toBe(3);
    // Settled fetches are gone: the next identical query asks the subgraph again (this dedupes, it does not cache).
    const next = gw.query(THINGS);
    await alpha.arrived(2);
    alpha.releaseAll();
    expectFull(await next);
  });

  it('callers with different identity tokens never share; the same caller and anonymous callers do', async () => {
    const issuer = await track(startLocalIssuer());
    const { alpha, gw } = await heldStack({ AUTH_ISSUER: issuer.issuer });
    const as = async (sub: string) => ({ authorization: `Bearer ${await issuer.sign({ sub })}` });
    const [ann, bob] = [await as('usr_ann'), await as('usr_bob')];
    const answers = [gw.query(THINGS, ann), gw.query(THINGS, ann), gw.query(THINGS, bob), gw.query(THINGS), gw.query(THINGS)];
    await alpha.arrived(3);
    await joined(gw, 2);
    alpha.releaseAll();
    for (const a of await Promise.all(answers)) expectFull(a);
    expect(alpha.received).toHaveLength(3);
    expect(new Set(alpha.received.map((r) => r.identity)).size).toBe(3);
  });

  it('mutations are never merged', async () => {
    const { alpha, gw } = await heldStack();
    const answers = Array.from({ length: 3 }, () => gw.query(BUMP));
    await alpha.arrived(3);
    alpha.releaseAll();
    for (const a of await Promise.all(answers)) {
      expect(a.json.errors).toBeUndefined();
      expect(a.json.data).toEqual({ bump: 1 });
    }
    expect(alpha.received.map((r) => r.body.query.startsWith('mutation'))).toEqual([true, true, true]);
    expect(fetches(await gw.metrics(), 'deduplicated')).toBe(0);
  });

  it('SUBGRAPH_DEDUPE=false: every identical query asks the subgraph', async () => {
    const { alpha, gw } = await heldStack({ SUBGRAPH_DEDUPE: 'false' });
    const answers = Array.from({ length: 3 }, () => gw.query(THINGS));
    await alpha.arrived(3);
    alpha.releaseAll();
    for (const a of await Promise.all(answers)) expectFull(a);
    expect(alpha.received).toHaveLength(3);
    const e = await gw.metrics();
    expect(fetches(e, 'ok')).toBe(3);
    expect(fetches(e, 'deduplicated')).toBe(0);
  });

  it("a follower with a shorter budget is cut at its own deadline (timeout); the leader's fetch goes on", async () => {
    const { alpha, gw } = await heldStack();
    const leader = gw.query(THINGS, { 'x-request-id': 'dedupe-leader' });
    await alpha.arrived(1);
    const follower = await gw.query(THINGS, { 'x-request-budget-ms': '300', 'x-request-id': 'dedupe-follower' });
    // Answered while the subgraph still holds the only request: the follower's own deadline ended its wait.
    expect(follower.json.data).toBeNull();
    expect(follower.json.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(failureReasons(gw.lines)).toEqual(['timeout']);
    // Only the leader's request id reached the subgraph: the follower's log line says which it was.
    const shared = gw.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'subgraph fetch shared with an identical one in flight');
    expect(shared).toEqual([expect.objectContaining({ requestId: 'dedupe-follower', sharedWith: 'dedupe-leader', subgraph: 'alpha' })]);
    alpha.releaseAll();
    expectFull(await leader);
    expect(alpha.received).toHaveLength(1);
    const e = await gw.metrics();
    expect([fetches(e, 'ok'), fetches(e, 'deduplicated'), fetches(e, 'timeout')]).toEqual([1, 1, 0]);
  });

  it("neither the leader's client nor a follower's leaving cancels the fetch for the others", async () => {
    const { alpha, gw } = await heldStack();
    const leaving = [new AbortController(), new AbortController()];
    const leader = gw.query(THINGS, {}, leaving[0]!.signal).catch(() => 'left');
    await alpha.arrived(1);
    const follower = gw.query(THINGS, {}, leaving[1]!.signal).catch(() => 'left');
    const staying = gw.query(THINGS);
    await joined(gw, 2);
    for (const c of leaving) c.abort();
    expect(await Promise.all([leader, follower])).toEqual(['left', 'left']);
    // The gateway has seen both clients go before the subgraph answers.
    await vi.waitFor(() => expect(gw.clientsGone()).toBe(2), { timeout: 15_000, interval: 10 });
    expect(alpha.received[0]!.res.socket?.destroyed).toBe(false);
    alpha.releaseAll();
    expectFull(await staying);
    expect(alpha.received).toHaveLength(1);
  });

  it('an unshared fetch whose client leaves is aborted, and counted as nothing the subgraph did', async () => {
    const { alpha, gw } = await heldStack({ SUBGRAPH_DEDUPE: 'false' });
    const leaving = new AbortController();
    const left = gw.query(THINGS, {}, leaving.signal).catch(() => 'left');
    await alpha.arrived(1);
    let subgraphSawClose = false;
    alpha.received[0]!.res.once('close', () => (subgraphSawClose = true));
    leaving.abort();
    expect(await left).toBe('left');
    // The gateway aborted its request to the subgraph: the held connection closes from the gateway's side.
    await vi.waitFor(() => expect(subgraphSawClose).toBe(true), { timeout: 15_000, interval: 10 });
    const e = await gw.metrics();
    expect([fetches(e, 'ok'), fetches(e, 'timeout'), fetches(e, 'unavailable')]).toEqual([0, 0, 0]);
    expect(failureReasons(gw.lines)).toEqual([]);
  });

  it("a lost connection fails the leader only: its followers, with budget left, ask once more, together", async () => {
    const { alpha, gw } = await heldStack();
    const answers = Array.from({ length: 3 }, () => gw.query(THINGS));
    await alpha.arrived(1);
    await joined(gw, 2);
    // As a replica killed while it held the fetch: the socket goes, the answer never comes.
    alpha.failAll('reset');
    await alpha.arrived(2);
    alpha.releaseAll();
    const settled = await Promise.all(answers);
    expect(settled.filter((a) => a.json.errors?.[0]?.extensions.code === 'SERVICE_UNAVAILABLE')).toHaveLength(1);
    for (const a of settled.filter((x) => x.json.errors === undefined)) expectFull(a);
    expect(settled.filter((x) => x.json.errors === undefined)).toHaveLength(2);
    expect(failureReasons(gw.lines)).toEqual(['connection']);
    expect(alpha.received).toHaveLength(2);
    const e = await gw.metrics();
    // The leader's fetch, then the retry that one follower led (ok); each follower counted once as deduplicated, when it first joined.
    expect([fetches(e, 'unavailable'), fetches(e, 'ok'), fetches(e, 'deduplicated')]).toEqual([1, 1, 2]);
    expect(e.value('gateway_subgraph_breaker_state', { subgraph: 'alpha' })).toBe(0);
  });

  for (const [how, reason] of [
    ['503', 'status'],
    ['garbage', 'bad_response'],
  ] as const) {
    it(`the leader's failure (${how}) is every follower's, classified ${reason}, and counted once by the breaker and the metrics`, async () => {
      const { alpha, gw } = await heldStack();
      const answers = Array.from({ length: 3 }, () => gw.query(THINGS));
      await alpha.arrived(1);
      await joined(gw, 2);
      alpha.failAll(how);
      for (const a of await Promise.all(answers)) expect(a.json.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(failureReasons(gw.lines)).toEqual([reason, reason, reason]);
      const e = await gw.metrics();
      expect([fetches(e, 'unavailable'), fetches(e, 'deduplicated')]).toEqual([1, 2]);
      // SUBGRAPH_BREAKER_FAILURES=2: three failures counted would have opened it.
      expect(e.value('gateway_subgraph_breaker_state', { subgraph: 'alpha' })).toBe(0);
      expect(alpha.received).toHaveLength(1);
    });
  }
});

describe('the answer of a shared fetch', () => {
  const track = closeAfterEach();

  it('is parsed for each caller: no two requests hold the same object', async () => {
    const alpha = await track(startHeldSubgraph());
    const registry = new Registry();
    const source = new SubgraphDataSource({ name: 'alpha', url: alpha.url, timeoutMs: 60_000, connections: 1, logger: silentLogger, identity: null, metrics: registry });
    await track(source);
    const fetchThings = () =>
      source.process({
        kind: 'incoming operation',
        request: { query: '{things{id title}}', variables: {} },
        incomingRequestContext: { operation: { operation: 'query' } },
        context: { requestId: 'r', logger: silentLogger, viewer: null, deadlineAt: Date.now() + 60_000, signal: new AbortController().signal },
      } as unknown as Parameters<typeof source.process>[0]);
    const both = [fetchThings(), fetchThings()];
    await alpha.arrived(1);
    await vi.waitFor(async () => expect(parsePrometheusText(await registry.metrics()).value('gateway_subgraph_fetches_total', { subgraph: 'alpha', outcome: 'deduplicated' })).toBe(1), { timeout: 15_000, interval: 10 });
    alpha.releaseAll();
    const [a, b] = await Promise.all(both);
    expect(a!.data).toEqual(ANSWER);
    expect(b!.data).toEqual(ANSWER);
    expect(a!.data).not.toBe(b!.data);
    expect((a!.data as typeof ANSWER).things[0]).not.toBe((b!.data as typeof ANSWER).things[0]);
    expect(alpha.received).toHaveLength(1);
  });
});

describe('InFlightFetches', () => {
  it('keeps nothing once a fetch settles, a failed one included: the next identical caller leads a fetch of its own', async () => {
    const inFlight = new InFlightFetches();
    const held = () => (inFlight as unknown as { inFlight: Map<string, Map<string, unknown>> }).inFlight;
    const caller = { deadlineAt: Date.now() + 60_000, requestId: 'r' };
    let started = 0;
    const failing = () => {
      started += 1;
      return Promise.reject(new Error('connection reset'));
    };
    const leader = inFlight.join('token', THINGS, caller, failing);
    const follower = inFlight.join('token', THINGS, caller, failing);
    expect([leader.leader, follower.leader, started]).toEqual([true, false, 1]);
    await expect(leader.answer).rejects.toThrow('connection reset');
    await expect(follower.answer).rejects.toThrow('connection reset');
    expect(held().size).toBe(0);
    const next = inFlight.join('token', THINGS, caller, () => Promise.resolve({ url: 'u', status: 200, headers: {}, text: '{}' }));
    expect(next.leader).toBe(true);
    await next.answer;
    expect(held().size).toBe(0);
  });
});
