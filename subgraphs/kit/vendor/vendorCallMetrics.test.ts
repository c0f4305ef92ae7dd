import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsePrometheusText, type Exposition } from '../../../test/harness/prometheusText.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { VendorError, type VendorErrorKind } from '../errors/VendorError.js';
import { createVendorClient } from './createVendorClient.js';
import type { CallContext, VendorClient, VendorOperation } from './VendorClient.js';
import type { VendorClientOptions } from './VendorClientOptions.js';

/** What the scripted vendor answers to the n-th hit (1-based) on a path. */
type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

let server: Server;
let baseUrl: string;
/** An origin where nothing listens: connection refused. */
let deadUrl: string;
const routes = new Map<string, (n: number) => Reply>();
const hits = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const reply = routes.get(path)?.(n) ?? { status: 500, body: { error: 'no route' } };
    if (reply === 'hang') return;
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dead = createServer();
  dead.listen(0, '127.0.0.1');
  await once(dead, 'listening');
  deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
  dead.close();
  await once(dead, 'close');
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const clients: VendorClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  routes.clear();
  hits.clear();
});

const logger = createLogger({ service: 'test', level: 'silent' });

function makeClient(
  registry: Registry,
  overrides: {
    name?: string;
    baseUrl?: string;
    deadlineMs?: number;
    breaker?: Partial<VendorClientOptions['breaker']>;
    retry?: Partial<VendorClientOptions['retry']>;
    /** The client's clock for the request budget (and its rate-limit gate); its abort timers stay real. */
    now?: () => number;
  } = {},
): VendorClient {
  const client = createVendorClient(
    {
      name: overrides.name ?? 'acme',
      baseUrl: overrides.baseUrl ?? baseUrl,
      auth: { kind: 'header', header: 'x-api-key', value: 'k' },
      deadlineMs: overrides.deadlineMs ?? 2000,
      connections: 4,
      breaker: { errorThresholdPercentage: 50, volumeThreshold: 1000, rollingCountTimeoutMs: 10_000, resetTimeoutMs: 10_000, consecutiveFailures: 1000, ...overrides.breaker },
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5, rateLimitedMinDelayMs: 0, budgetRatio: 1, retryAfterMaxMs: 60_000, ...overrides.retry },
      logger,
      metrics: registry,
    },
    { random: () => 0, ...(overrides.now ? { now: overrides.now } : {}) },
  );
  clients.push(client);
  return client;
}

function op(client: VendorClient, name: string, options: { idempotent?: boolean; deadlineMs?: number; parse?: (json: unknown) => unknown } = {}): VendorOperation<void, unknown> {
  const idempotent = options.idempotent ?? true;
  return client.operation<void, unknown>({
    name,
    idempotent,
    request: () => (idempotent ? { method: 'GET', path: `/${name}` } : { method: 'POST', path: `/${name}`, body: {} }),
    parse: options.parse ?? ((json) => json),
    ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
  });
}

const ctx: CallContext = { requestId: 'req-1' };

async function kindOf(p: Promise<unknown>): Promise<VendorErrorKind | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(VendorError);
    return (err as VendorError).kind;
  }
}

const read = async (registry: Registry): Promise<Exposition> => parsePrometheusText(await registry.metrics());
const calls = (m: Exposition, operation: string, outcome: string) => m.value('vendor_calls_total', { vendor: 'acme', operation, outcome });
const timed = (m: Exposition, operation: string) => m.value('vendor_call_duration_seconds_count', { vendor: 'acme', operation });

describe('vendor metrics: outcomes', () => {
  it('counts each call by its outcome, and times every call that reached the vendor', async () => {
    const registry = new Registry();
    const client = makeClient(registry, { deadlineMs: 150 });
    const cases: { name: string; reply: Reply; idempotent?: boolean; parse?: (json: unknown) => unknown; outcome: VendorErrorKind | 'ok' }[] = [
      { name: 'fine', reply: { status: 200, body: { ok: true } }, outcome: 'ok' },
      { name: 'missing', reply: { status: 404, body: {} }, outcome: 'not_found' },
      { name: 'badRead', reply: { status: 400, body: {} }, outcome: 'refused' },
      { name: 'badWrite', reply: { status: 422, body: {} }, idempotent: false, outcome: 'rejected' },
      { name: 'wrongKey', reply: { status: 401, body: {} }, outcome: 'auth' },
      { name: 'busy', reply: { status: 429, body: {} }, outcome: 'rate_limited' },
      { name: 'broken', reply: { status: 500, body: {} }, outcome: 'server' },
      { name: 'garbled', reply: { status: 200, body: { x: 1 } }, parse: () => { throw new TypeError('no name'); }, outcome: 'bad_response' },
      { name: 'hung', reply: 'hang', outcome: 'timeout' },
    ];
    for (const c of cases) {
      routes.set(`/${c.name}`, () => c.reply);
      const operation = op(client, c.name, { ...(c.idempotent === false ? { idempotent: false } : {}), ...(c.parse ? { parse: c.parse } : {}) });
      expect(await kindOf(operation.call(undefined, ctx))).toBe(c.outcome);
    }
    const unreachable = op(makeClient(registry, { baseUrl: deadUrl }), 'unreachable');
    expect(await kindOf(unreachable.call(undefined, ctx))).toBe('network');

    const m = await read(registry);
    for (const c of cases) {
      expect(calls(m, c.name, c.outcome), c.name).toBe(1);
      expect(m.sum('vendor_calls_total', { vendor: 'acme', operation: c.name }), c.name).toBe(1);
      expect(timed(m, c.name), c.name).toBe(1);
    }
    expect(calls(m, 'unreachable', 'network')).toBe(1);
    expect(timed(m, 'unreachable')).toBe(1);
    expect(m.types.get('vendor_call_duration_seconds')).toBe('histogram');
    // Labels come from code and a closed set of outcomes: nothing from the input or the vendor.
    const labelNames = new Set(m.samples.filter((s) => s.name.startsWith('vendor_')).flatMap((s) => Object.keys(s.labels)));
    expect([...labelNames].sort()).toEqual(['le', 'operation', 'outcome', 'vendor']);
  });

  it('counts refusals before the call leaves by outcome, without timing them', async () => {
    const registry = new Registry();
    const client = makeClient(registry);
    // The rate-limit gate: a 429 with Retry-After closes it for every operation of the vendor.
    routes.set('/limited', () => ({ status: 429, headers: { 'retry-after': '30' }, body: {} }));
    const limited = op(client, 'limited');
    expect(await kindOf(limited.call(undefined, ctx))).toBe('rate_limited');
    expect(await kindOf(limited.call(undefined, ctx))).toBe('rate_limited');
    expect(hits.get('/limited')).toBe(1);

    const other = makeClient(registry, { name: 'other' });
    routes.set('/spent', () => ({ status: 200, body: {} }));
    const spent = op(other, 'spent');
    // What the caller caused: the client still sees a timeout, the metrics say whose it was.
    expect(await kindOf(spent.call(undefined, { requestId: 'r', deadlineAt: Date.now() - 1 }))).toBe('timeout');
    expect(await kindOf(spent.call(undefined, { requestId: 'r', signal: AbortSignal.abort() }))).toBe('timeout');
    const unbuildable = other.operation<void, unknown>({
      name: 'unbuildable',
      idempotent: true,
      request: () => {
        throw new RangeError('bad input');
      },
      parse: (json) => json,
    });
    expect(await kindOf(unbuildable.call(undefined, ctx))).toBe('rejected');
    expect(hits.get('/spent')).toBeUndefined();

    const m = await read(registry);
    expect(calls(m, 'limited', 'rate_limited')).toBe(2);
    expect(timed(m, 'limited')).toBe(1);
    expect(m.value('vendor_calls_total', { vendor: 'other', operation: 'spent', outcome: 'no_budget' })).toBe(1);
    expect(m.value('vendor_calls_total', { vendor: 'other', operation: 'spent', outcome: 'cancelled' })).toBe(1);
    // Neither is a vendor timeout.
    expect(m.value('vendor_calls_total', { vendor: 'other', operation: 'spent', outcome: 'timeout' })).toBe(0);
    expect(m.value('vendor_calls_total', { vendor: 'other', operation: 'unbuildable', outcome: 'rejected' })).toBe(1);
    expect(m.value('vendor_call_duration_seconds_count', { vendor: 'other', operation: 'spent' })).toBe(0);
    expect(m.value('vendor_call_duration_seconds_count', { vendor: 'other', operation: 'unbuildable' })).toBe(0);
    // Nothing left for the vendor to miss.
    expect(m.sum('vendor_sla_misses_total')).toBe(0);
  });

  it('a call its caller abandons in flight is cancelled: counted, not timed, no SLA miss, no breaker failure', async () => {
    const registry = new Registry();
    routes.set('/slow', () => 'hang');
    // One failure in a row would open the breaker if a cancelled call counted as one.
    const client = makeClient(registry, { breaker: { consecutiveFailures: 1 } });
    const slow = op(client, 'slow', { deadlineMs: 60_000 });
    const caller = new AbortController();
    const pending = kindOf(slow.call(undefined, { requestId: 'r', signal: caller.signal }));
    // The vendor has the request before the caller leaves: however slow the machine, it is in flight.
    await vi.waitFor(() => expect(hits.get('/slow')).toBe(1), { timeout: 10_000, interval: 5 });
    caller.abort();
    expect(await pending).toBe('timeout');

    const m = await read(registry);
    expect(calls(m, 'slow', 'cancelled')).toBe(1);
    expect(m.sum('vendor_calls_total', { vendor: 'acme', operation: 'slow' })).toBe(1);
    expect(timed(m, 'slow')).toBe(0);
    expect(m.value('vendor_sla_misses_total', { vendor: 'acme', operation: 'slow' })).toBe(0);
    expect(client.breakerState('slow')).toBe('closed');
    expect(m.value('vendor_breaker_opens_total', { vendor: 'acme', operation: 'slow' })).toBe(0);
  });

  it('counts retries: one per attempt after the first, under one call', async () => {
    const registry = new Registry();
    const client = makeClient(registry, { retry: { maxAttempts: 3 } });
    // Retries are a share of recent successes: earn some first.
    routes.set('/warm', () => ({ status: 200, body: {} }));
    const warm = op(client, 'warm');
    for (let i = 0; i < 10; i++) await warm.call(undefined, ctx);
    routes.set('/flaky', (n) => (n < 3 ? { status: 503, body: {} } : { status: 200, body: { ok: true } }));
    expect(await kindOf(op(client, 'flaky').call(undefined, ctx))).toBe('ok');
    expect(hits.get('/flaky')).toBe(3);

    const m = await read(registry);
    expect(m.value('vendor_retries_total', { vendor: 'acme', operation: 'flaky' })).toBe(2);
    expect(m.value('vendor_retries_total', { vendor: 'acme', operation: 'warm' })).toBe(0);
    expect(calls(m, 'flaky', 'ok')).toBe(1);
    expect(m.sum('vendor_calls_total', { vendor: 'acme', operation: 'flaky' })).toBe(1);
    expect(timed(m, 'flaky')).toBe(1);
  });

  it('several clients of one service count in one registry', async () => {
    const registry = new Registry();
    routes.set('/fine', () => ({ status: 200, body: {} }));
    await op(makeClient(registry, { name: 'acme' }), 'fine').call(undefined, ctx);
    await op(makeClient(registry, { name: 'other' }), 'fine').call(undefined, ctx);
    const m = await read(registry);
    expect(m.value('vendor_calls_total', { vendor: 'acme', operation: 'fine', outcome: 'ok' })).toBe(1);
    expect(m.value('vendor_calls_total', { vendor: 'other', operation: 'fine', outcome: 'ok' })).toBe(1);
  });
});

describe('vendor metrics: the SLA', () => {
  it("publishes each operation's budget, its own deadlineMs first", async () => {
    const registry = new Registry();
    const client = makeClient(registry, { deadlineMs: 800 });
    op(client, 'default');
    op(client, 'tight', { deadlineMs: 250 });
    const m = await read(registry);
    expect(m.value('vendor_sla_budget_seconds', { vendor: 'acme', operation: 'default' })).toBe(0.8);
    expect(m.value('vendor_sla_budget_seconds', { vendor: 'acme', operation: 'tight' })).toBe(0.25);
  });

  it("a timeout is a miss, at the vendor's deadline or at the request's, unless the call started with less than half the vendor's budget", async () => {
    const registry = new Registry();
    routes.set('/hung', () => 'hang');
    routes.set('/broken', () => ({ status: 500, body: {} }));
    // The client's clock stands still: what each call is given is the request's deadline minus
    // this instant, however long the machine takes to start it. Only the abort timers are real.
    const NOW = 1_000_000;
    const client = makeClient(registry, { now: () => NOW });
    const own = op(client, 'hung', { deadlineMs: 150 });
    expect(await kindOf(own.call(undefined, ctx))).toBe('timeout');
    // The request had 150 ms left, under half the vendor's 60 s: the request ran out, the vendor missed nothing.
    const cut = client.operation<void, unknown>({ name: 'cut', idempotent: true, deadlineMs: 60_000, request: () => ({ method: 'GET', path: '/hung' }), parse: (j) => j });
    expect(await kindOf(cut.call(undefined, { requestId: 'r', deadlineAt: NOW + 150 }))).toBe('timeout');
    // Behind the gateway: the request's budget, a little under the vendor's, cut a hung call: the vendor missed it.
    const capped = client.operation<void, unknown>({ name: 'capped', idempotent: true, deadlineMs: 200, request: () => ({ method: 'GET', path: '/hung' }), parse: (j) => j });
    expect(await kindOf(capped.call(undefined, { requestId: 'r', deadlineAt: NOW + 150 }))).toBe('timeout');
    // A fast failure answered in time: a 5xx, not an SLA miss.
    expect(await kindOf(op(client, 'broken', { deadlineMs: 60_000 }).call(undefined, ctx))).toBe('server');

    const m = await read(registry);
    expect(m.value('vendor_sla_misses_total', { vendor: 'acme', operation: 'hung' })).toBe(1);
    expect(m.value('vendor_sla_misses_total', { vendor: 'acme', operation: 'cut' })).toBe(0);
    expect(m.value('vendor_sla_misses_total', { vendor: 'acme', operation: 'capped' })).toBe(1);
    expect(m.value('vendor_sla_misses_total', { vendor: 'acme', operation: 'broken' })).toBe(0);
    expect(calls(m, 'cut', 'timeout')).toBe(1);
    expect(timed(m, 'cut')).toBe(1);
    expect(hits.get('/hung')).toBe(3);
  });
});

describe('vendor metrics: the breaker', () => {
  const state = async (registry: Registry) => (await read(registry)).value('vendor_breaker_state', { vendor: 'acme', operation: 'items' });

  it('open: state 2, counted once, and calls refused as breaker_open without being timed', async () => {
    const registry = new Registry();
    routes.set('/items', () => ({ status: 500, body: {} }));
    // A reset far beyond the test: the breaker stays open whatever the machine's speed.
    const client = makeClient(registry, { breaker: { consecutiveFailures: 2, resetTimeoutMs: 600_000 } });
    const items = op(client, 'items');

    expect(await state(registry)).toBe(0);
    for (let i = 0; i < 2; i++) expect(await kindOf(items.call(undefined, ctx))).toBe('server');
    expect(client.breakerState('items')).toBe('open');
    expect(await state(registry)).toBe(2);
    expect(await kindOf(items.call(undefined, ctx))).toBe('breaker_open');

    const m = await read(registry);
    expect(m.value('vendor_breaker_opens_total', { vendor: 'acme', operation: 'items' })).toBe(1);
    expect(calls(m, 'items', 'breaker_open')).toBe(1);
    expect(calls(m, 'items', 'server')).toBe(2);
    // The refused call never reached the vendor, and is not timed.
    expect(hits.get('/items')).toBe(2);
    expect(timed(m, 'items')).toBe(2);
  });

  it("turns half-open (1) on opossum's own timer, with no call, then a good trial closes it (0)", async () => {
    const registry = new Registry();
    let healthy = false;
    routes.set('/items', () => (healthy ? { status: 200, body: { ok: true } } : { status: 500, body: {} }));
    const client = makeClient(registry, { breaker: { consecutiveFailures: 2, resetTimeoutMs: 300 } });
    const items = op(client, 'items');
    for (let i = 0; i < 2; i++) expect(await kindOf(items.call(undefined, ctx))).toBe('server');

    // Waits for the state, however late the timer fires: the scrape alone must see it, no call made.
    await vi.waitFor(async () => expect(await state(registry)).toBe(1), { timeout: 15_000, interval: 20 });
    expect(client.breakerState('items')).toBe('halfOpen');
    healthy = true;
    expect(await kindOf(items.call(undefined, ctx))).toBe('ok');
    expect(client.breakerState('items')).toBe('closed');
    expect(await state(registry)).toBe(0);

    const m = await read(registry);
    expect(m.value('vendor_breaker_opens_total', { vendor: 'acme', operation: 'items' })).toBe(1);
    expect(calls(m, 'items', 'ok')).toBe(1);
    expect(hits.get('/items')).toBe(3);
  });
});
