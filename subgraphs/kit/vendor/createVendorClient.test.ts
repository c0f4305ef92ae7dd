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

function makeClient(
  overrides: { deadlineMs?: number; breaker?: Partial<VendorClientOptions['breaker']>; retry?: Partial<VendorClientOptions['retry']>; now?: () => number } = {},
) {
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
      // A streak long enough not to hide the rate rule these tests are about; the streak has its own tests.
      breaker: { errorThresholdPercentage: 50, volumeThreshold: 4, rollingCountTimeoutMs: 10_000, resetTimeoutMs: 300, consecutiveFailures: 1000, ...overrides.breaker },
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, rateLimitedMinDelayMs: 500, budgetRatio: 0.2, retryAfterMaxMs: 60_000, ...overrides.retry },
      logger: createLogger({ service: 'test', level: 'debug', destination }),
    },
    { random: () => 1, ...(overrides.now ? { now: overrides.now } : {}) },
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

/**
 * Retries are a share of recent successes: `n` answered calls on another operation of the
 * same vendor earn budgetRatio·n retries (and fill the "most calls fail" window with answers).
 */
async function earnRetries(client: VendorClient, n = 10): Promise<void> {
  routes.set('/warm', () => ok());
  const warm = getOp(client, `warm${warmups++}`, '/warm');
  for (let i = 0; i < n; i++) await warm.call(undefined, ctx);
}
let warmups = 0;

describe('vendor client: retries', () => {
  it('retries a 503 and then succeeds', async () => {
    routes.set('/items', (n) => (n === 1 ? { status: 503, body: { error: 'busy' } } : ok({ id: 1 })));
    const client = makeClient();
    await earnRetries(client);
    const op = getOp(client, 'items');
    await expect(op.call(undefined, ctx)).resolves.toEqual({ id: 1 });
    expect(hitCount('/items')).toBe(2);
  });

  it('does not retry without recent successes: the budget is a share of answers, with no reserve', async () => {
    routes.set('/items', (n) => (n === 1 ? { status: 503, body: { error: 'busy' } } : ok({ id: 1 })));
    const op = getOp(makeClient(), 'items');
    expect((await failure(op.call(undefined, ctx))).kind).toBe('server');
    expect(hitCount('/items')).toBe(1);
  });

  it('waits a minimum backoff before retrying a 429 with Retry-After 0 or none (no immediate retry)', async () => {
    const variants: [string, Record<string, string>][] = [
      ['zero', { 'retry-after': '0' }],
      ['none', {}],
    ];
    for (const [name, headers] of variants) {
      const [short, roomy] = [`/${name}-short`, `/${name}-roomy`];
      for (const path of [short, roomy]) routes.set(path, (n) => (n === 1 ? { status: 429, headers, body: {} } : ok()));
      // The 500 ms minimum does not fit in a 300 ms deadline: the call ends with the 429, and the vendor saw one call.
      const tight = makeClient({ deadlineMs: 300, retry: { rateLimitedMinDelayMs: 500 } });
      await earnRetries(tight);
      expect((await failure(getOp(tight, 'items', short).call(undefined, ctx))).kind).toBe('rate_limited');
      expect(hitCount(short)).toBe(1);
      // With room for it, the retry comes after the minimum wait.
      const loose = makeClient({ deadlineMs: 5000, retry: { rateLimitedMinDelayMs: 200 } });
      await earnRetries(loose);
      await expect(getOp(loose, 'items', roomy).call(undefined, ctx)).resolves.toEqual({ ok: true });
      const [first, second] = hits.get(roomy)!;
      expect(second! - first!).toBeGreaterThanOrEqual(195);
    }
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
    const client = makeClient({ deadlineMs: 5000, retry: { maxDelayMs: 2000 }, breaker: { resetTimeoutMs: 10_000 } });
    await earnRetries(client);
    const op = getOp(client, 'items');
    await expect(op.call(undefined, ctx)).resolves.toEqual({ ok: true });
    const [first, second] = hits.get('/items')!;
    expect(second! - first!).toBeGreaterThanOrEqual(990);
  });

  it('stops retrying before the deadline', async () => {
    routes.set('/items', () => ({ status: 503, body: {} }));
    // random = 1: waits 200 then 200; the second wait would end past the 300 ms deadline.
    const client = makeClient({ deadlineMs: 300, retry: { baseDelayMs: 200, maxDelayMs: 200, maxAttempts: 5 } });
    await earnRetries(client);
    const op = getOp(client, 'items');
    const err = await failure(op.call(undefined, ctx));
    // Two attempts and the vendor's own error: a third backoff would have ended past the
    // deadline, so it gave up instead of sleeping into a timeout (the count says so, not a clock).
    expect(err.kind).toBe('server');
    expect(hitCount('/items')).toBe(2);
  });

  it('aborts a hanging vendor at the deadline with a timeout', async () => {
    routes.set('/slow', () => 'hang');
    const op = getOp(makeClient({ deadlineMs: 200 }), 'slow');
    const started = performance.now();
    const err = await failure(op.call(undefined, ctx));
    // The deadline applied (a timeout, one attempt), far sooner than never.
    expect(err.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(200 * 10);
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
    const err = await failure(op.call(undefined, ctx));
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
    const client = makeClient({ breaker: { resetTimeoutMs: 10_000 } });
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

describe('vendor client: Retry-After cap', () => {
  for (const [status, seconds] of [
    [429, 3600],
    [503, 86_400],
  ] as const) {
    it(`a ${status} with Retry-After ${seconds} closes the gate for at most retryAfterMaxMs, and says so`, async () => {
      let clock = 1_000_000;
      routes.set('/items', (n) => (n === 1 ? { status, headers: { 'retry-after': String(seconds) }, body: {} } : ok()));
      const client = makeClient({ now: () => clock, retry: { retryAfterMaxMs: 5000 }, breaker: { resetTimeoutMs: 60_000 } });
      const op = getOp(client, 'items');
      const first = await failure(op.call(undefined, ctx));
      expect(first).toMatchObject({ status, retryAfterMs: 5000 }); // what the app is told, too
      const refused = await failure(op.call(undefined, ctx));
      expect(refused).toMatchObject({ kind: 'rate_limited', retryAfterMs: 5000 });
      clock += 4999;
      expect((await failure(op.call(undefined, ctx))).retryAfterMs).toBe(1);
      expect(hitCount('/items')).toBe(1);
      clock += 1;
      await expect(op.call(undefined, ctx)).resolves.toEqual({ ok: true });
      expect(hitCount('/items')).toBe(2);
    });
  }

  it("never closes the gate longer than the breaker's reset", async () => {
    let clock = 1_000_000;
    routes.set('/items', (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '3600' }, body: {} } : ok()));
    const client = makeClient({ now: () => clock, retry: { retryAfterMaxMs: 60_000 }, breaker: { resetTimeoutMs: 2000 } });
    const op = getOp(client, 'items');
    expect((await failure(op.call(undefined, ctx))).retryAfterMs).toBe(2000);
    clock += 2000;
    await expect(op.call(undefined, ctx)).resolves.toEqual({ ok: true });
  });
});

describe('vendor client: breaker and retries together', () => {
  it('opens after consecutiveFailures vendor faults in a row, even with a window full of earlier successes', async () => {
    routes.set('/items', (n) => (n <= 20 ? ok() : { status: 500, body: {} }));
    const client = makeClient({ retry: { maxAttempts: 1 }, breaker: { volumeThreshold: 1000, consecutiveFailures: 3 } });
    const op = getOp(client, 'items');
    for (let i = 0; i < 20; i++) await op.call(undefined, ctx);
    for (let i = 0; i < 3; i++) expect((await failure(op.call(undefined, ctx))).kind).toBe('server');
    expect(client.breakerState('items')).toBe('open');
    expect((await failure(op.call(undefined, ctx))).kind).toBe('breaker_open');
    expect(hitCount('/items')).toBe(23);
  });

  it('never retries the half-open trial: one call reaches the vendor, and its failure re-opens the breaker', async () => {
    let failing = true;
    routes.set('/items', () => (failing ? { status: 500, body: {} } : ok()));
    const client = makeClient({ breaker: { consecutiveFailures: 3, resetTimeoutMs: 200 } });
    const op = getOp(client, 'items');
    for (let i = 0; i < 3; i++) await failure(op.call(undefined, ctx));
    expect(client.breakerState('items')).toBe('open');
    // Budget and recent answers are plentiful: only the half-open state may stop the retry.
    await earnRetries(client, 20);
    await vi.waitFor(() => expect(client.breakerState('items')).toBe('halfOpen'), { timeout: 5000, interval: 10 });
    const before = hitCount('/items');
    routes.set('/items', (n) => (n === before + 1 ? { status: 503, body: {} } : ok()));
    failing = false;
    expect((await failure(op.call(undefined, ctx))).kind).toBe('server');
    expect(hitCount('/items')).toBe(before + 1);
    expect(client.breakerState('items')).toBe('open');
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
    const client = makeClient();
    await earnRetries(client);
    const op = getOp(client, 'items');
    await op.call(undefined, { requestId: 'req-log' });
    const failures = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.kind === 'server');
    expect(failures).toHaveLength(2);
    expect(failures.map((l) => l.attempt)).toEqual([1, 2]);
    for (const l of failures) expect(l).toMatchObject({ vendor: 'acme', operation: 'items', status: 502, requestId: 'req-log' });
    expect(logLines.join('\n')).not.toContain(API_KEY);
  });
});
