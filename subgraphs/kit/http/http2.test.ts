import { once } from 'node:events';
import { createServer, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/log/createLogger.js';
import { VendorError } from '../errors/VendorError.js';
import { createVendorClient } from '../vendor/createVendorClient.js';
import type { VendorClient } from '../vendor/VendorClient.js';
import { createHttpClient } from './createHttpClient.js';

const logger = createLogger({ service: 'test', level: 'silent' });

// An APNs-like h2c server: `/send` answers 200 with an empty body and an id header, once `release`
// is called (so a test can see how many streams were open at once); `/json` answers JSON.
let server: Http2Server;
let baseUrl: string;
let sessions = 0;
let open = 0;
let maxOpen = 0;
const seen: { path: string; protocol: string; body: string }[] = [];
let held: (() => void)[] = [];
let holding = false;

beforeAll(async () => {
  server = createServer();
  server.on('session', () => sessions++);
  server.on('stream', (stream: ServerHttp2Stream, headers) => {
    const path = String(headers[':path']);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      seen.push({ path, protocol: 'h2', body: Buffer.concat(chunks).toString('utf8') });
      open++;
      maxOpen = Math.max(maxOpen, open);
      const answer = () => {
        open--;
        if (stream.destroyed) return;
        if (path === '/json') {
          stream.respond({ ':status': 200, 'content-type': 'application/json' });
          stream.end(JSON.stringify({ ok: true }));
        } else {
          stream.respond({ ':status': 200, 'apns-id': `id-${seen.length}` });
          stream.end();
        }
      };
      if (holding) held.push(answer);
      else answer();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const clients: VendorClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  seen.length = 0;
  sessions = 0;
  maxOpen = 0;
  held = [];
  holding = false;
});

function client(http2 = true): VendorClient {
  const c = createVendorClient({
    name: 'pushy',
    baseUrl,
    auth: { kind: 'bearer', token: 't' },
    http2,
    deadlineMs: 5000,
    connections: 1,
    breaker: { errorThresholdPercentage: 50, volumeThreshold: 10, rollingCountTimeoutMs: 10_000, resetTimeoutMs: 10_000 },
    retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 100, budgetRatio: 0.1 },
    logger,
  });
  clients.push(c);
  return c;
}

const ctx = { requestId: 'req-h2' };

describe('kit HTTP client over HTTP/2 (h2c prior knowledge)', () => {
  it('multiplexes concurrent POSTs on one connection, and hands an allowed empty 200 to parse with its headers', async () => {
    const send = client().operation<number, { status: number; json: unknown; id: unknown }>({
      name: 'send',
      idempotent: true,
      emptyBody: 'allowed',
      request: (n) => ({ method: 'POST', path: '/send', body: { n } }),
      parse: (json, status, _n, headers) => ({ status, json, id: headers['apns-id'] }),
    });
    holding = true;
    const pending = Array.from({ length: 10 }, (_, n) => send.call(n, ctx));
    // All ten reach the server while none has been answered: they share the connection at once.
    await expect.poll(() => open, { timeout: 5000 }).toBe(10);
    held.forEach((answer) => answer());
    const results = await Promise.all(pending);
    expect(results).toHaveLength(10);
    for (const r of results) expect(r).toEqual({ status: 200, json: undefined, id: expect.stringMatching(/^id-\d+$/) });
    expect(sessions).toBe(1);
    expect(maxOpen).toBe(10);
    expect(seen.map((s) => JSON.parse(s.body) as unknown).sort((a, b) => (a as { n: number }).n - (b as { n: number }).n)).toEqual(
      Array.from({ length: 10 }, (_, n) => ({ n })),
    );
  });

  it('still refuses an empty 2xx body on an operation that did not allow it', async () => {
    const strict = client().operation<void, unknown>({ name: 'strict', idempotent: true, request: () => ({ method: 'POST', path: '/send', body: {} }), parse: (json) => json });
    const err = await strict.call(undefined, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect((err as VendorError).kind).toBe('bad_response');
    expect((err as VendorError).message).toMatch(/empty body/);
  });

  it('parses JSON answers over HTTP/2 as over HTTP/1.1', async () => {
    const http = createHttpClient({ vendor: 'pushy', baseUrl, auth: { kind: 'none' }, connections: 1, http2: true, logger });
    try {
      const res = await http.request('json', { method: 'GET', path: '/json' }, { signal: new AbortController().signal, requestId: 'r' });
      expect(res).toMatchObject({ status: 200, json: { ok: true } });
    } finally {
      await http.close();
    }
  });

  it('without http2 the client does not speak h2c (a prior-knowledge server cannot answer it)', async () => {
    const h1 = client(false).operation<void, unknown>({ name: 'h1', idempotent: false, request: () => ({ method: 'GET', path: '/json' }), parse: (json) => json });
    const err = await h1.call(undefined, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect(seen).toHaveLength(0);
  });
});
