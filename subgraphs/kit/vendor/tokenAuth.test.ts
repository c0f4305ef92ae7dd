import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/log/createLogger.js';
import { VendorError } from '../errors/VendorError.js';
import { createVendorClient } from './createVendorClient.js';
import type { VendorClient, VendorOperationDef } from './VendorClient.js';
import type { VendorAuth } from './VendorClientOptions.js';

// A vendor that accepts only the token it currently trusts, answers 401 to any other, and 403
// `{ reason: 'ExpiredProviderToken' }` to the token named `expired-…` (as APNs does).
let server: Server;
let baseUrl: string;
let trusted = new Set<string>();
const seen: { path: string; authorization: string | undefined; contentType: string | undefined; body: string }[] = [];
let script: { status: number; body?: unknown; headers?: Record<string, string> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (req.url === '/open') return reply(200, { ok: true });
      if (token?.startsWith('expired-')) return reply(403, { reason: 'ExpiredProviderToken' });
      if (token === undefined || !trusted.has(token)) return reply(401, { error: 'invalid_token' });
      const next = script.shift();
      if (next) return reply(next.status, next.body, next.headers);
      reply(200, { ok: true });
    });
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
  seen.length = 0;
  trusted = new Set();
  script = [];
  logLines = [];
});

/** A token source that makes `prefix-1`, `prefix-2`, … and counts what it was asked and told. */
function tokenSource(prefix = 'tok') {
  let n = 0;
  let current: string | undefined;
  const state = {
    made: 0,
    rejected: [] as string[],
    auth: {
      kind: 'token',
      token: () => {
        if (current === undefined) {
          n++;
          state.made++;
          current = `${prefix}-${n}`;
        }
        return Promise.resolve(current);
      },
      rejected: (token: string) => {
        state.rejected.push(token);
        if (token === current) current = undefined;
      },
    } satisfies VendorAuth as VendorAuth,
  };
  return state;
}

function client(auth: VendorAuth): VendorClient {
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(chunk.toString());
      cb();
    },
  });
  const c = createVendorClient(
    {
      name: 'acme',
      baseUrl,
      auth,
      deadlineMs: 5000,
      connections: 2,
      breaker: { errorThresholdPercentage: 50, volumeThreshold: 10, rollingCountTimeoutMs: 10_000, resetTimeoutMs: 10_000 },
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2000, rateLimitedMinDelayMs: 1, budgetRatio: 1, retryAfterMaxMs: 60_000 },
      logger: createLogger({ service: 'test', level: 'debug', destination }),
    },
    { random: () => 0 },
  );
  clients.push(c);
  return c;
}

const post = (extra: Partial<VendorOperationDef<void, unknown>> = {}): VendorOperationDef<void, unknown> => ({
  name: 'send',
  idempotent: true,
  request: () => ({ method: 'POST', path: '/send', body: { hello: 'world' } }),
  parse: (json) => json,
  ...extra,
});
const ctx = { requestId: 'req-tok' };
const failure = (p: Promise<unknown>) => p.then(() => expect.fail('expected a VendorError'), (e: unknown) => e as VendorError);

describe('kit token auth (a credential that changes)', () => {
  it('sends the source’s token as a bearer, and asks the source on every call (it answers from its cache)', async () => {
    const src = tokenSource();
    trusted.add('tok-1');
    const op = client(src.auth).operation(post());
    await op.call(undefined, ctx);
    await op.call(undefined, ctx);
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
    expect(src.made).toBe(1);
  });

  it('on 401 tells the source, and sends once more with a fresh token: the call succeeds', async () => {
    const src = tokenSource();
    trusted.add('tok-1');
    const op = client(src.auth).operation(post({ idempotent: false }));
    await op.call(undefined, ctx);
    trusted = new Set(['tok-2']); // the vendor revoked tok-1 (e.g. it expired early)
    await expect(op.call(undefined, ctx)).resolves.toEqual({ ok: true });
    expect(src.rejected).toEqual(['tok-1']);
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2']);
  });

  it('a fresh token refused too is an `auth` failure after exactly two sends; the source is told once', async () => {
    const src = tokenSource();
    const op = client(src.auth).operation(post());
    const err = await failure(op.call(undefined, ctx));
    expect(err.kind).toBe('auth');
    expect(err.status).toBe(401);
    expect(seen).toHaveLength(2);
    expect(src.rejected).toEqual(['tok-1']);
  });

  it('an operation names other refusals as the token’s (APNs 403 ExpiredProviderToken): told and re-sent', async () => {
    const src = tokenSource('expired');
    let calls = 0;
    const auth: VendorAuth = {
      kind: 'token',
      // The first token is one APNs calls expired; once told, the source signs a good one.
      token: () => Promise.resolve(src.rejected.length === 0 ? 'expired-1' : 'good-1'),
      rejected: (t) => {
        calls++;
        src.rejected.push(t);
      },
    };
    trusted.add('good-1');
    const op = client(auth).operation(post({ tokenRefused: (e) => e.status === 403 && e.body?.includes('ExpiredProviderToken') === true }));
    await expect(op.call(undefined, ctx)).resolves.toEqual({ ok: true });
    expect(calls).toBe(1);
    expect(src.rejected).toEqual(['expired-1']);
    // Without the operation saying so, a 403 is just `auth`, and the source is not told.
    const plain = client({ kind: 'token', token: () => Promise.resolve('expired-2'), rejected: () => calls++ }).operation(post({ name: 'plain' }));
    expect((await failure(plain.call(undefined, ctx))).kind).toBe('auth');
    expect(calls).toBe(1);
  });

  it('a token source failure fails the call with its kind kept (an unreachable token endpoint is a retryable fault), never the key', async () => {
    const down = new VendorError('server', { vendor: 'oauth', operation: 'token', status: 503 });
    let asked = 0;
    let failNext = false;
    const flaky: VendorAuth = {
      kind: 'token',
      token: () => {
        asked++;
        if (!failNext) return Promise.resolve('tok-ok');
        failNext = false;
        return Promise.reject(down);
      },
    };
    trusted.add('tok-ok');
    const warm = client(flaky);
    const op = warm.operation(post());
    // The retry budget lends retries against successes: earn some first.
    const warmup = warm.operation(post({ name: 'warmup', request: () => ({ method: 'GET', path: '/open' }) }));
    for (let i = 0; i < 3; i++) await warmup.call(undefined, ctx);
    failNext = true;
    seen.length = 0;
    await expect(op.call(undefined, ctx)).resolves.toEqual({ ok: true });
    expect(asked).toBe(5); // 3 warm-ups, the failed attempt, its retry
    expect(seen).toHaveLength(1); // nothing was sent without a token

    const secret = '-----BEGIN PRIVATE KEY----- do-not-leak';
    const broken = client({ kind: 'token', token: () => Promise.reject(new Error('the key file is not a PEM key')) }).operation(post());
    const err = await failure(broken.call(undefined, ctx));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/could not obtain a token: the key file is not a PEM key/);
    expect(`${err.message}${logLines.join('')}`).not.toContain(secret);
    expect(logLines.join('')).not.toContain('tok-ok');
  });

  it('a token source that hangs cannot hold the call past its deadline', async () => {
    const hung: VendorAuth = { kind: 'token', token: () => new Promise<string>(() => undefined) };
    const op = client(hung).operation(post({ deadlineMs: 50 }));
    const err = await failure(op.call(undefined, ctx));
    expect(err.kind).toBe('timeout');
    expect(seen).toHaveLength(0);
  });

  it('retries a POST marked idempotent on 429 (Retry-After) and 503, never on another 4xx', async () => {
    const src = tokenSource();
    trusted.add('tok-1');
    const c = client(src.auth);
    const op = c.operation(post());
    const warmup = c.operation(post({ name: 'warmup' }));
    for (let i = 0; i < 4; i++) await warmup.call(undefined, ctx);
    seen.length = 0;
    script = [{ status: 429, body: { e: 'slow down' }, headers: { 'retry-after': '0' } }, { status: 503, body: { e: 'unavailable' } }];
    await expect(op.call(undefined, ctx)).resolves.toEqual({ ok: true });
    expect(seen).toHaveLength(3);

    seen.length = 0;
    script = [{ status: 400, body: { e: 'bad token' } }];
    const err = await failure(op.call(undefined, ctx));
    expect(err).toMatchObject({ kind: 'refused', status: 400 });
    expect(seen).toHaveLength(1);
  });

  it('sends a form body form-encoded, and no authorization with `none`', async () => {
    const op = client({ kind: 'none' }).operation<void, unknown>({
      name: 'exchange',
      idempotent: false,
      request: () => ({ method: 'POST', path: '/open', form: { grant_type: 'urn:x:jwt-bearer', assertion: 'a.b.c' } }),
      parse: (json) => json,
    });
    await op.call(undefined, ctx);
    expect(seen[0]).toEqual({ path: '/open', authorization: undefined, contentType: 'application/x-www-form-urlencoded', body: 'grant_type=urn%3Ax%3Ajwt-bearer&assertion=a.b.c' });
  });
});
