import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { VendorError } from '../errors/VendorError.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { createVendorClient } from './createVendorClient.js';
import type { VendorClient, VendorOperation } from './VendorClient.js';
import type { VendorClientOptions } from './VendorClientOptions.js';

/** What the scripted vendor answers to the n-th hit (1-based) on a path. */
type Reply = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number } | 'hang';

const API_KEY = 'sk-live-do-not-log-me';
let server: Server;
let baseUrl: string;
const routes = new Map<string, (n: number) => Reply>();
const hits = new Map<string, number[]>(); // path → hit times (ms)

function hitCount(path: string): number {
  return hits.get(path)?.length ?? 0;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const times = hits.get(path) ?? [];
    times.push(performance.now());
    hits.set(path, times);
    const reply = routes.get(path)?.(times.length) ?? { status: 500, body: { error: 'no route' } };
    if (reply === 'hang') return;
    setTimeout(() => {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    }, reply.delayMs ?? 0);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const clients: VendorClient[] = [];
let logLines: string[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  routes.clear();
  hits.clear();
  logLines = [];
});

function makeClient(overrides: { deadlineMs?: number; breaker?: Partial<VendorClientOptions['breaker']>; retry?: Partial<VendorClientOptions['retry']> } = {}) {
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(chunk.toString());
      cb();
    },
  });
  const client = createVendorClient(
    {
      name: 'acme',
      baseUrl,
      auth: { kind: 'header', header: 'x-api-key', value: API_KEY },
      deadlineMs: overrides.deadlineMs ?? 2000,
      connections: 8,
      breaker: { errorThresholdPercentage: 50, volumeThreshold: 4, rollingCountTimeoutMs: 10_000, resetTimeoutMs: 300, ...overrides.breaker },
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, budgetRatio: 0.2, budgetMinPerSecond: 10, ...overrides.retry },
      logger: createLogger({ service: 'test', level: 'debug', destination }),
    },
    { random: () => 1 },
  );
  clients.push(client);
  return client;
}

function getOp(client: VendorClient, name: string, path = `/${name}`, idempotent = true): VendorOperation<void, unknown> {
  return client.operation<void, unknown>({
    name,
    idempotent,
    request: () => (idempotent ? { method: 'GET', path } : { method: 'POST', path, body: { x: 1 } }),
    parse: (json) => json,
  });
}

const ctx = { requestId: 'req-1' };

async function failure(p: Promise<unknown>): Promise<VendorError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VendorError);
  return err as VendorError;
}

const ok = (body: unknown = { ok: true }) => ({ status: 200, body }) satisfies Reply;

describe('vendor client: retries', () => {
  it('retries a 503 and then succeeds', async () => {
    routes.set('/items', (n) => (n === 1 ? { status: 503, body: { error: 'busy' } } : ok({ id: 1 })));
    const op = getOp(makeClient(), 'items');
    await expect(op.call(undefined, ctx)).resolves.toEqual({ id: 1 });
    expect(hitCount('/items')).toBe(2);
  });

  it('never retries a non-idempotent operation', async () => {
    routes.set('/orders', () => ({ status: 503, body: { error: 'busy' } }));
    const op = getOp(makeClient(), 'orders', '/orders', false);
    const err = await failure(op.call(undefined, ctx));
    expect(err.kind).toBe('server');
    expect(hitCount('/orders')).toBe(1);
  });

  it('honours Retry-After: the retry comes no sooner than the vendor asked', async () => {
    routes.set('/items', (n) => (n === 1 ? { status: 503, headers: { 'retry-after': '1' }, body: {} } : ok()));
    const op = getOp(makeClient({ deadlineMs: 5000, retry: { maxDelayMs: 2000 } }), 'items');
    await expect(op.call(undefined, ctx)).resolves.toEqual({ ok: true });
    const [first, second] = hits.get('/items')!;
    expect(second! - first!).toBeGreaterThanOrEqual(990);
  });

  it('stops retrying before the deadline', async () => {
    routes.set('/items', () => ({ status: 503, body: {} }));
    // random = 1: waits 200 then 200; the second wait would end past the 300 ms deadline.
    const op = getOp(makeClient({ deadlineMs: 300, retry: { baseDelayMs: 200, maxDelayMs: 200, maxAttempts: 5 } }), 'items');
    const started = performance.now();
    const err = await failure(op.call(undefined, ctx));
    expect(err.kind).toBe('server');
    expect(hitCount('/items')).toBe(2);
    expect(performance.now() - started).toBeLessThan(300);
  });

  it('aborts a hanging vendor at the deadline with a timeout', async () => {
    routes.set('/slow', () => 'hang');
    const op = getOp(makeClient({ deadlineMs: 200 }), 'slow');
    const started = performance.now();
    const err = await failure(op.call(undefined, ctx));
    expect(err.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(200 + 150);
    expect(hitCount('/slow')).toBe(1);
  });
});

describe('vendor client: circuit breaker', () => {
  it('opens after volume and threshold of 5xx, then fails fast without reaching the vendor', async () => {
    routes.set('/items', () => ({ status: 500, body: {} }));
    const client = makeClient({ retry: { maxAttempts: 1 } });
    const op = getOp(client, 'items');
    for (let i = 0; i < 4; i++) expect((await failure(op.call(undefined, ctx))).kind).toBe('server');
    expect(client.breakerState('items')).toBe('open');
    const started = performance.now();
    const err = await failure(op.call(undefined, ctx));
    expect(performance.now() - started).toBeLessThan(20);
    expect(err.kind).toBe('breaker_open');
    expect(hitCount('/items')).toBe(4);
  });

  it('is not opened by 4xx answers (404, 400, 422, 429 without Retry-After)', async () => {
    const statuses = [404, 400, 422, 429];
    routes.set('/items', (n) => ({ status: statuses[n % statuses.length]!, body: {} }));
    const client = makeClient({ retry: { maxAttempts: 1 } });
    const op = getOp(client, 'items');
    for (let i = 0; i < 16; i++) await failure(op.call(undefined, ctx));
    expect(hitCount('/items')).toBe(16);
    expect(client.breakerState('items')).toBe('closed');
  });

  it('after resetTimeout lets exactly one trial through, and its success closes the breaker', async () => {
    let healthy = false;
    routes.set('/items', () => (healthy ? { ...ok(), delayMs: 100 } : { status: 500, body: {} }));
    const client = makeClient({ retry: { maxAttempts: 1 }, breaker: { resetTimeoutMs: 300 } });
    const op = getOp(client, 'items');
    for (let i = 0; i < 4; i++) await failure(op.call(undefined, ctx));
    expect(client.breakerState('items')).toBe('open');
    healthy = true;
    await vi.waitFor(() => expect(client.breakerState('items')).toBe('halfOpen'), { timeout: 2000, interval: 10 });
    const results = await Promise.allSettled([op.call(undefined, ctx), op.call(undefined, ctx), op.call(undefined, ctx)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.map((r) => (r.reason as VendorError).kind)).toEqual(['breaker_open', 'breaker_open']);
    expect(hitCount('/items')).toBe(5);
    expect(client.breakerState('items')).toBe('closed');
    await expect(op.call(undefined, ctx)).resolves.toEqual({ ok: true });
  });

  it('re-opens when the half-open trial fails', async () => {
    routes.set('/items', () => ({ status: 500, body: {} }));
    const client = makeClient({ retry: { maxAttempts: 1 }, breaker: { resetTimeoutMs: 200 } });
    const op = getOp(client, 'items');
    for (let i = 0; i < 4; i++) await failure(op.call(undefined, ctx));
    await vi.waitFor(() => expect(client.breakerState('items')).toBe('halfOpen'), { timeout: 2000, interval: 10 });
    expect((await failure(op.call(undefined, ctx))).kind).toBe('server');
    expect(client.breakerState('items')).toBe('open');
  });

  it('keeps one breaker per operation: a failing operation does not open another', async () => {
    routes.set('/broken', () => ({ status: 500, body: {} }));
    routes.set('/fine', () => ok());
    const client = makeClient({ retry: { maxAttempts: 1 } });
    const broken = getOp(client, 'broken');
    const fine = getOp(client, 'fine');
    for (let i = 0; i < 6; i++) await failure(broken.call(undefined, ctx));
    expect(client.breakerState('broken')).toBe('open');
    await expect(fine.call(undefined, ctx)).resolves.toEqual({ ok: true });
    expect(client.breakerState('fine')).toBe('closed');
    expect(client.breakerStates()).toEqual({ broken: 'open', fine: 'closed' });
  });

  it('counts timeouts and unparseable answers, but not calls the caller cancelled', async () => {
    routes.set('/slow', () => 'hang');
    const client = makeClient({ retry: { maxAttempts: 1 }, deadlineMs: 5000, breaker: { volumeThreshold: 2 } });
    const slow = getOp(client, 'slow');
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const err = await failure(slow.call(undefined, { requestId: `r${i}`, signal: controller.signal }));
      expect(err.kind).toBe('timeout');
    }
    expect(client.breakerState('slow')).toBe('closed');

    routes.set('/weird', () => ok({ unexpected: true }));
    const weird = client.operation<void, string>({
      name: 'weird',
      idempotent: true,
      request: () => ({ method: 'GET', path: '/weird' }),
      parse: (json) => {
        if (typeof json !== 'object' || json === null || !('name' in json)) throw new TypeError('name missing');
        return String(json.name);
      },
    });
    const err = await failure(weird.call(undefined, ctx));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toContain('name missing');
    await failure(weird.call(undefined, ctx));
    expect(client.breakerState('weird')).toBe('open');
    expect(hitCount('/weird')).toBe(2); // bad_response is not retried
  });
});

describe('vendor client: rate-limit gate', () => {
  it('after a 429 with Retry-After: 1 fails fast without calling the vendor, then lets calls through', async () => {
    routes.set('/items', (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' }, body: {} } : ok()));
    routes.set('/other', () => ok());
    const client = makeClient();
    const op = getOp(client, 'items');
    const other = getOp(client, 'other');
    const first = await failure(op.call(undefined, ctx));
    expect(first).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 1000 });
    for (const o of [op, other, op]) {
      const err = await failure(o.call(undefined, ctx));
      expect(err.kind).toBe('rate_limited');
      expect(err.retryAfterMs).toBeGreaterThan(0);
      expect(err.retryAfterMs).toBeLessThanOrEqual(1000);
    }
    expect(hitCount('/items')).toBe(1);
    expect(hitCount('/other')).toBe(0);
    expect(client.breakerState('items')).toBe('closed');
    await new Promise((r) => setTimeout(r, 1100));
    await expect(op.call(undefined, ctx)).resolves.toEqual({ ok: true });
    await expect(other.call(undefined, ctx)).resolves.toEqual({ ok: true });
    expect(hitCount('/items')).toBe(2);
  });
});

describe('vendor client: errors and logs', () => {
  it('rejects with VendorError only: a request builder that throws is rejected, not a crash', async () => {
    const client = makeClient();
    const op = client.operation<number, unknown>({
      name: 'byId',
      idempotent: true,
      request: (id) => {
        if (id < 0) throw new RangeError('negative id');
        return { method: 'GET', path: `/items/${id}` };
      },
      parse: (json) => json,
    });
    const err = await failure(op.call(-1, ctx));
    expect(err.kind).toBe('rejected');
  });

  it('rejects a second definition of the same operation and unknown breaker names', () => {
    const client = makeClient();
    getOp(client, 'items');
    expect(() => getOp(client, 'items')).toThrow(/already defined/);
    expect(() => client.breakerState('nope')).toThrow(/Unknown vendor operation/);
  });

  it('fails calls after close() with a VendorError', async () => {
    routes.set('/items', () => ok());
    const client = makeClient();
    const op = getOp(client, 'items');
    await client.close();
    await client.close();
    expect((await failure(op.call(undefined, ctx))).kind).toBe('breaker_open');
  });

  it('logs each failed attempt with vendor, operation, kind, status, attempt and request id, never the key', async () => {
    routes.set('/items', (n) => (n < 3 ? { status: 502, body: { error: 'upstream' } } : ok()));
    const op = getOp(makeClient(), 'items');
    await op.call(undefined, { requestId: 'req-log' });
    const failures = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.kind === 'server');
    expect(failures).toHaveLength(2);
    expect(failures.map((l) => l.attempt)).toEqual([1, 2]);
    for (const l of failures) expect(l).toMatchObject({ vendor: 'acme', operation: 'items', status: 502, requestId: 'req-log' });
    expect(logLines.join('\n')).not.toContain(API_KEY);
  });
});
