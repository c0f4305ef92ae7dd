import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startRoundRobin, type RoundRobin, type RoundRobinOptions } from './startRoundRobin.js';

/** A backend that answers its name, the body it got and the x-forwarded-for it got; `/readyz` says `ready()`. */
async function namedBackend(name: string, options: { ready?: () => boolean; delayMs?: number } = {}): Promise<{ origin: string; server: Server; close(): Promise<void> }> {
  const server = createHttpServer((req, res) => {
    if (req.url === '/readyz') {
      res.writeHead(options.ready?.() === false ? 503 : 200).end();
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ name, body, xff: req.headers['x-forwarded-for'] ?? null }));
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, close: () => closeServer(server) };
}

/** A TCP backend that is ready by its probe but answers requests with `answer` (garbage, or nothing at all). */
async function brokenBackend(answer: (socket: Socket) => void): Promise<{ origin: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', (chunk: Buffer) => {
      if (chunk.toString().startsWith('GET /readyz ')) socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      else answer(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function balancer(options: Partial<RoundRobinOptions> = {}): Promise<RoundRobin> {
  const lb = await startRoundRobin({ name: 'svc', probeIntervalMs: 20, ...options });
  cleanups.push(() => lb.close());
  return lb;
}
async function backend(name: string, options?: Parameters<typeof namedBackend>[1]) {
  const b = await namedBackend(name, options);
  cleanups.push(() => b.close());
  return b;
}

const post = async (lb: RoundRobin, body = '{}', headers: Record<string, string> = {}) => {
  const res = await fetch(`${lb.origin}/graphql`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, json: (await res.json()) as { name?: string; body?: string; xff?: string | null; error?: string } };
};
const until = async (what: string, check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('startRoundRobin: a per-request round-robin balancer with readiness probes', () => {
  it('balances every request, not every connection, over the ready backends; body and x-forwarded-for pass unchanged', async () => {
    const lb = await balancer();
    lb.add((await backend('a')).origin, 'a');
    lb.add((await backend('b')).origin, 'b');
    await Promise.all([lb.waitReady('a', 5_000), lb.waitReady('b', 5_000)]);
    // fetch keeps its connection alive: a per-connection balancer would answer 'a' four times.
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await post(lb, `{"i":${i}}`, { 'x-forwarded-for': `10.0.0.${i}` });
      expect(res.status).toBe(200);
      expect(res.json.body).toBe(`{"i":${i}}`);
      expect(res.json.xff).toBe(`10.0.0.${i}`);
      names.push(res.json.name!);
    }
    expect(names.sort()).toEqual(['a', 'a', 'b', 'b']);
    expect(lb.stats('a')).toMatchObject({ requests: 2, answered: 2, refused: 0, lost: 0, inFlight: 0, ready: true });
    expect(lb.stats('b')).toMatchObject({ requests: 2, answered: 2 });
  });

  it('stops routing to a backend whose readiness fails, and routes to it again once it passes', async () => {
    let bReady = true;
    const lb = await balancer();
    lb.add((await backend('a')).origin, 'a');
    lb.add((await backend('b', { ready: () => bReady })).origin, 'b');
    await Promise.all([lb.waitReady('a'), lb.waitReady('b')]);
    bReady = false;
    await until('b to be not ready', () => !lb.stats('b').ready);
    for (let i = 0; i < 4; i++) expect((await post(lb)).json.name).toBe('a');
    bReady = true;
    await lb.waitReady('b', 5_000);
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) names.add((await post(lb)).json.name!);
    expect([...names].sort()).toEqual(['a', 'b']);
  });

  it('a refused connect (a closed backend) is sent once to the next ready backend: the client never sees it', async () => {
    const lb = await balancer({ probeIntervalMs: 60_000 });
    const gone = await namedBackend('gone');
    lb.add(gone.origin, 'gone');
    lb.add((await backend('a')).origin, 'a');
    await Promise.all([lb.waitReady('gone'), lb.waitReady('a')]);
    await gone.close();
    // The probe is far away: only the refused connect tells the balancer.
    for (let i = 0; i < 4; i++) expect(await post(lb)).toMatchObject({ status: 200, json: { name: 'a' } });
    expect(lb.stats('gone')).toMatchObject({ refused: 1, answered: 0, lost: 0, ready: false, inFlight: 0 });
    expect(lb.stats('a')).toMatchObject({ answered: 4 });
  });

  it('a backend that answers garbage or cuts the connection loses the request: the client is cut, and it is not sent again', async () => {
    const garbage = await brokenBackend((socket) => socket.end('this is not HTTP\r\n\r\n'));
    const cut = await brokenBackend((socket) => socket.destroy());
    cleanups.push(garbage.close, cut.close);

    const lb = await balancer();
    lb.add(garbage.origin, 'garbage');
    lb.add(cut.origin, 'cut');
    await Promise.all([lb.waitReady('garbage'), lb.waitReady('cut')]);
    await expect(post(lb)).rejects.toThrow(/fetch failed/);
    await expect(post(lb)).rejects.toThrow(/fetch failed/);
    expect(lb.stats('garbage')).toMatchObject({ requests: 1, lost: 1, refused: 0, answered: 0, inFlight: 0 });
    expect(lb.stats('cut')).toMatchObject({ requests: 1, lost: 1, inFlight: 0 });
  });

  it('a backend that cut a connection before answering is out until a probe passes: a client retrying goes elsewhere', async () => {
    const cut = await brokenBackend((socket) => socket.destroy());
    cleanups.push(cut.close);
    const lb = await balancer({ probeIntervalMs: 60_000 });
    lb.add(cut.origin, 'cut');
    lb.add((await backend('a')).origin, 'a');
    await Promise.all([lb.waitReady('cut'), lb.waitReady('a')]);
    // A SIGKILLed replica under load: connects still accepted into its backlog, then reset.
    await expect(post(lb)).rejects.toThrow(/fetch failed/);
    // The probe is far away: only the cut tells the balancer.
    for (let i = 0; i < 3; i++) expect(await post(lb)).toMatchObject({ status: 200, json: { name: 'a' } });
    expect(lb.stats('cut')).toMatchObject({ requests: 1, lost: 1, ready: false, inFlight: 0 });
  });

  it('no ready backend → 503; a pinned backend takes every request; in-flight requests are counted while open', async () => {
    const lb = await balancer();
    expect((await post(lb)).status).toBe(503);
    expect(lb.unrouted).toBe(1);

    lb.add((await backend('a')).origin, 'a');
    lb.add((await backend('slow', { delayMs: 300 })).origin, 'slow');
    await Promise.all([lb.waitReady('a'), lb.waitReady('slow')]);
    lb.pin('slow');
    const pending = [post(lb), post(lb)];
    await until('two requests in flight on slow', () => lb.stats('slow').inFlight === 2);
    expect(lb.stats('a').requests).toBe(0);
    expect((await Promise.all(pending)).map((r) => r.json.name)).toEqual(['slow', 'slow']);
    expect(lb.stats('slow').inFlight).toBe(0);
    lb.pin(null);
    lb.remove('slow');
    expect((await post(lb)).json.name).toBe('a');
  });
});
