import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VendorError } from '../errors/VendorError.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { createHttpClient, type HttpClient } from './createHttpClient.js';

const logger = createLogger({ service: 'test', level: 'silent' });

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let baseUrl: string;
let connections = 0;
const seen: Seen[] = [];
let hangingSocketClosed: Promise<void> | undefined;

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method, url: req.url, headers: req.headers, body });
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname.replace(/^\/api/, '');
  const status = /^\/status\/(\d+)$/.exec(path);
  if (status) {
    const code = Number(status[1]);
    const retryAfter = url.searchParams.get('retryAfter');
    if (retryAfter) res.setHeader('retry-after', retryAfter);
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(code === 204 ? undefined : JSON.stringify({ code, pad: 'x'.repeat(2000) }));
    return;
  }
  switch (path) {
    case '/echo':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
      return;
    case '/html':
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>maintenance</html>');
      return;
    case '/empty':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
      return;
    case '/hang':
      hangingSocketClosed = new Promise((resolve) => req.socket.once('close', () => resolve()));
      return; // never answers
    default:
      res.writeHead(500);
      res.end('unknown path');
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handle(req, res, body));
  });
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

function client(auth: Parameters<typeof createHttpClient>[0]['auth'] = { kind: 'header', header: 'x-api-key', value: 'secret-key' }): HttpClient {
  return createHttpClient({ vendor: 'acme', baseUrl, auth, connections: 4, logger });
}

/** Runs `test` with a client of its own, closed afterwards whatever happens. */
async function withClient(test: (http: HttpClient) => Promise<void>): Promise<void> {
  const http = client();
  try {
    await test(http);
  } finally {
    await http.close();
  }
}

function signal(ms = 5000): AbortSignal {
  return AbortSignal.timeout(ms);
}

async function failure(p: Promise<unknown>): Promise<VendorError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VendorError);
  return err as VendorError;
}

describe('createHttpClient', () => {
  it('returns status, parsed JSON and headers for a 2xx', async () => {
    await withClient(async (http) => {
      const res = await http.request('echo', { method: 'GET', path: '/echo' }, { signal: signal(), requestId: 'r-1' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ ok: true });
      expect(res.headers['content-type']).toBe('application/json');
    });
  });

  it.each([
    [404, 'not_found'],
    [400, 'rejected'],
    [409, 'rejected'],
    [422, 'rejected'],
    [401, 'auth'],
    [403, 'auth'],
    [429, 'rate_limited'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
    [418, 'server'],
  ] as const)('maps HTTP %i to %s, keeping status and a truncated body', async (status, kind) => {
    await withClient(async (http) => {
      const err = await failure(http.request('op', { method: 'GET', path: `/status/${status}` }, { signal: signal(), requestId: 'r' }));
      expect(err.kind).toBe(kind);
      expect(err.status).toBe(status);
      expect(err.vendor).toBe('acme');
      expect(err.operation).toBe('op');
      expect(err.body?.length).toBe(512);
      expect(err.body).toContain(`"code":${status}`);
      expect(err.retryAfterMs).toBeUndefined();
    });
  });

  it('parses Retry-After in seconds on 429 and 503', async () => {
    await withClient(async (http) => {
      const e429 = await failure(http.request('op', { method: 'GET', path: '/status/429', query: { retryAfter: '3' } }, { signal: signal(), requestId: 'r' }));
      expect(e429.kind).toBe('rate_limited');
      expect(e429.retryAfterMs).toBe(3000);
      const e503 = await failure(http.request('op', { method: 'GET', path: '/status/503', query: { retryAfter: '2' } }, { signal: signal(), requestId: 'r' }));
      expect(e503.kind).toBe('server');
      expect(e503.retryAfterMs).toBe(2000);
    });
  });

  it('parses Retry-After as an HTTP-date', async () => {
    await withClient(async (http) => {
      const at = new Date(Date.now() + 30_000).toUTCString();
      const err = await failure(http.request('op', { method: 'GET', path: '/status/429', query: { retryAfter: at } }, { signal: signal(), requestId: 'r' }));
      expect(err.kind).toBe('rate_limited');
      // HTTP-dates have 1 s resolution.
      expect(err.retryAfterMs).toBeGreaterThan(27_000);
      expect(err.retryAfterMs).toBeLessThanOrEqual(30_000);
    });
  });

  it('treats a non-JSON or empty 2xx as bad_response, and a 204 as no body', async () => {
    await withClient(async (http) => {
      const html = await failure(http.request('op', { method: 'GET', path: '/html' }, { signal: signal(), requestId: 'r' }));
      expect(html.kind).toBe('bad_response');
      expect(html.body).toContain('maintenance');
      expect(html.isVendorFault).toBe(true);
      const empty = await failure(http.request('op', { method: 'GET', path: '/empty' }, { signal: signal(), requestId: 'r' }));
      expect(empty.kind).toBe('bad_response');
      const none = await http.request('op', { method: 'DELETE', path: '/status/204' }, { signal: signal(), requestId: 'r' });
      expect(none).toMatchObject({ status: 204, json: undefined });
    });
  });

  it('aborts a hanging request at the deadline, and the server sees the socket close', async () => {
    await withClient(async (http) => {
      const deadlineMs = 300;
      const started = performance.now();
      const err = await failure(http.request('op', { method: 'GET', path: '/hang' }, { signal: AbortSignal.timeout(deadlineMs), requestId: 'r' }));
      const elapsed = performance.now() - started;
      expect(err.kind).toBe('timeout');
      // The deadline applied: not before it, and long before the server would ever answer
      // (it never does); how close to it a busy machine gets is not the point.
      expect(elapsed).toBeGreaterThanOrEqual(deadlineMs - 5);
      expect(elapsed).toBeLessThan(deadlineMs * 10);
      expect(hangingSocketClosed).toBeDefined();
      await expect(withTimeout(hangingSocketClosed!, 5_000)).resolves.toBe('done');
    });
  });

  it('maps a refused connection to network', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    probe.close();
    await once(probe, 'close');
    const http = createHttpClient({ vendor: 'acme', baseUrl: `http://127.0.0.1:${port}`, auth: { kind: 'bearer', token: 't' }, connections: 1, logger });
    try {
      const err = await failure(http.request('op', { method: 'GET', path: '/x' }, { signal: signal(), requestId: 'r' }));
      expect(err.kind).toBe('network');
      expect(err.message).toContain('ECONNREFUSED');
      expect(err.isRetryable).toBe(true);
    } finally {
      await http.close();
    }
  });

  it('sends the request id, auth, accept, user agent, JSON body, extra headers and query under the base path', async () => {
    const http = client();
    const bearer = client({ kind: 'bearer', token: 'tok-123' });
    try {
      seen.length = 0;
      await http.request(
        'echo',
        { method: 'POST', path: '/echo', query: { ids: 'a,b', n: 2, skip: undefined }, body: { hello: 'world' }, headers: { 'Idempotency-Key': 'k-1' } },
        { signal: signal(), requestId: 'req-42' },
      );
      await bearer.request('echo', { method: 'GET', path: 'echo' }, { signal: signal(), requestId: 'req-43' });
      const [post, get] = seen;
      expect(post).toMatchObject({ method: 'POST', url: '/api/echo?ids=a%2Cb&n=2', body: '{"hello":"world"}' });
      expect(post!.headers).toMatchObject({
        'x-request-id': 'req-42',
        'x-api-key': 'secret-key',
        accept: 'application/json',
        'content-type': 'application/json',
        'user-agent': 'mobile-graph-kit',
        'idempotency-key': 'k-1',
      });
      expect(get).toMatchObject({ method: 'GET', url: '/api/echo', body: '' });
      expect(get!.headers).toMatchObject({ 'x-request-id': 'req-43', authorization: 'Bearer tok-123' });
      expect(get!.headers['content-type']).toBeUndefined();
    } finally {
      await http.close();
      await bearer.close();
    }
  });

  it('reuses one keep-alive socket across sequential calls, including error responses', async () => {
    // undici marks a connection free one event-loop turn after its body ends; calls that
    // follow each other in time (as a request's resolvers do) reuse it.
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    await withClient(async (http) => {
      const before = connections;
      for (let i = 0; i < 5; i++) {
        await http.request('echo', { method: 'GET', path: '/echo' }, { signal: signal(), requestId: 'r' });
        await nextTurn();
        await failure(http.request('op', { method: 'GET', path: '/status/500' }, { signal: signal(), requestId: 'r' }));
        await nextTurn();
      }
      expect(connections - before).toBe(1);
    });
  });

  it('keeps back-to-back calls on a small, stable set of sockets', async () => {
    await withClient(async (http) => {
      const before = connections;
      for (let i = 0; i < 20; i++) await http.request('echo', { method: 'GET', path: '/echo' }, { signal: signal(), requestId: 'r' });
      expect(connections - before).toBeLessThanOrEqual(2);
    });
  });
});

function withTimeout(p: Promise<void>, ms: number): Promise<'done' | 'timeout'> {
  return Promise.race([p.then(() => 'done' as const), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);
}
