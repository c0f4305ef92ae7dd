import { getEventListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { startHttpServer } from '../../platform/http/startHttpServer.js';
import { createSubgraphFetcher } from '../src/datasources/createSubgraphFetcher.js';
import { closeAfterEach } from './closeAfterEach.js';

/** A server on 127.0.0.1 that hands each request to the test, and counts them. */
async function startServer(onRequest: (res: ServerResponse) => void) {
  let requests = 0;
  const http = await startHttpServer((req, res) => {
    requests += 1;
    req.resume();
    req.on('end', () => onRequest(res));
  }, { host: '127.0.0.1', port: 0 });
  return { url: `${http.origin}/graphql`, requests: () => requests, close: () => http.close(0) };
}

const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ a }"}' };

describe('the subgraph fetcher (undici Pool, dispatched to directly)', () => {
  const track = closeAfterEach();

  /** One socket, held by a first fetch the server has received and not answered; anything still held is destroyed after the test. */
  const oneBusySocket = async () => {
    const held: ServerResponse[] = [];
    const server = await track(startServer((res) => held.push(res)));
    const fetcher = await track(createSubgraphFetcher({ url: server.url, timeoutMs: 60_000, connections: 1 }));
    await track({ close: async () => held.forEach((res) => res.destroy()) });
    const first = fetcher.send(server.url, init, 60_000);
    await vi.waitFor(() => expect(server.requests()).toBe(1), { timeout: 15_000, interval: 10 });
    return { held, server, fetcher, first };
  };

  /** Answers the first fetch, then checks that the next one sent is the server's second request: nothing queued in between went out. */
  const expectNextIsSecond = async ({ held, server, fetcher, first }: Awaited<ReturnType<typeof oneBusySocket>>) => {
    held[0]!.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"a":1}}');
    expect((await first).text).toBe('{"data":{"a":1}}');
    const next = fetcher.send(server.url, init, 60_000);
    await vi.waitFor(() => expect(held).toHaveLength(2), { timeout: 15_000, interval: 10 });
    held[1]!.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"a":3}}');
    expect((await next).text).toBe('{"data":{"a":3}}');
    expect(server.requests()).toBe(2);
  };

  it('reads an answer sent in pieces whole, a character split between two chunks included', async () => {
    const text = JSON.stringify({ data: { name: 'Crème brûlée ☕'.repeat(2_000) } });
    const bytes = Buffer.from(text, 'utf8');
    const split = bytes.indexOf(Buffer.from('☕')) + 1;
    const server = await track(
      startServer((res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60, public' });
        res.write(bytes.subarray(0, split));
        setImmediate(() => res.end(bytes.subarray(split)));
      }),
    );
    const fetcher = await track(createSubgraphFetcher({ url: server.url, timeoutMs: 5_000, connections: 1 }));
    const response = await fetcher.fetcher(server.url, init);
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get('Cache-Control')).toBe('max-age=60, public');
    expect(await response.json()).toEqual(JSON.parse(text));
    // One body per response, as with fetch.
    await expect(response.text()).rejects.toThrow(/already used/);
  });

  it('a subgraph that does not answer within the budget fails with undici headers timeout, at the budget in x-request-deadline-ms', async () => {
    const held: ServerResponse[] = [];
    const server = await track(startServer((res) => held.push(res)));
    const fetcher = await track(createSubgraphFetcher({ url: server.url, timeoutMs: 60_000, connections: 1 }));
    await track({ close: async () => held.forEach((res) => res.destroy()) });
    expect(fetcher.limitOf({ 'x-request-deadline-ms': '50' })).toBe(50);
    expect(fetcher.limitOf({ 'x-request-deadline-ms': '0' })).toBe(1);
    expect(fetcher.limitOf({})).toBe(60_000);
    await expect(fetcher.fetcher(server.url, { ...init, headers: { ...init.headers, 'x-request-deadline-ms': '50' } })).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(server.requests()).toBe(1);
  });

  it('an answer that trickles in is held to the limit as a whole, not per chunk: it fails with undici body timeout and the socket is closed', async () => {
    // The first answer at once; the second's head with its first byte, then a byte every 20 ms: far
    // inside undici's per-chunk body timeout of 200 ms, so held to nothing else it would take 10 s and succeed.
    const body = `{"data":{"a":"${'x'.repeat(480)}"}}`;
    let closedEarly = false;
    const server = await track(
      startServer((res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        if (server.requests() === 1) return void res.end(body);
        let sent = 0;
        const drip = setInterval(() => {
          if (res.destroyed) return;
          res.write(body[sent]!);
          sent += 1;
          if (sent === body.length) {
            clearInterval(drip);
            res.end();
          }
        }, 20);
        res.on('close', () => {
          clearInterval(drip);
          closedEarly = sent < body.length;
        });
      }),
    );
    const fetcher = await track(createSubgraphFetcher({ url: server.url, timeoutMs: 60_000, connections: 1 }));
    // The first fetch opens the socket (and, finding none free, is held from its start). undici
    // frees a socket on the turn after its answer (a setImmediate, queued before this one), so the
    // second finds it free, with nothing but undici's own timeouts on it until its answer starts.
    expect((await fetcher.send(server.url, init, 60_000)).text).toBe(body);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(fetcher.send(server.url, init, 200)).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
    await vi.waitFor(() => expect(closedEarly).toBe(true), { timeout: 15_000, interval: 10 });
  });

  it('a refused connection fails with the socket error code', async () => {
    const server = await startServer(() => undefined);
    await server.close();
    const fetcher = await track(createSubgraphFetcher({ url: server.url, timeoutMs: 5_000, connections: 1 }));
    await expect(fetcher.fetcher(server.url, init)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a client that leaves while its fetch waits for a free socket: the fetch fails with its reason and is never sent', async () => {
    const busy = await oneBusySocket();
    const { fetcher, server } = busy;
    const client = new AbortController();
    const queued = fetcher.send(server.url, init, 60_000, client.signal);
    const reason = new Error('the client closed the connection before the answer was sent');
    client.abort(reason);
    await expect(queued).rejects.toBe(reason);
    // One socket, first in first out: had the aborted fetch gone out, it would be the server's second request.
    await expectNextIsSecond(busy);
  });

  it('a fetch waiting for a free socket is held to its limit too: it times out in the queue, never sent', async () => {
    const busy = await oneBusySocket();
    const { fetcher, server, held } = busy;
    // The one socket is busy until the test answers the first: undici's own timeouts never start for this one.
    await expect(fetcher.send(server.url, init, 50)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(held).toHaveLength(1);
    await expectNextIsSecond(busy);
  });

  it("leaves no listener on the client's signal once a fetch settles: answered, refused, timed out or aborted in the queue", async () => {
    const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;
    const busy = await oneBusySocket();
    const { fetcher, server, held } = busy;
    const timedOut = new AbortController();
    await expect(fetcher.send(server.url, init, 50, timedOut.signal)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(listeners(timedOut.signal)).toBe(0);
    const aborted = new AbortController();
    const queued = fetcher.send(server.url, init, 60_000, aborted.signal);
    expect(listeners(aborted.signal)).toBe(1);
    aborted.abort(new Error('gone'));
    await expect(queued).rejects.toThrow('gone');
    expect(listeners(aborted.signal)).toBe(0);
    await expectNextIsSecond(busy);
    const answered = new AbortController();
    const answer = fetcher.send(server.url, init, 60_000, answered.signal);
    await vi.waitFor(() => expect(held).toHaveLength(3), { timeout: 15_000, interval: 10 });
    held[2]!.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"a":4}}');
    expect((await answer).text).toBe('{"data":{"a":4}}');
    expect(listeners(answered.signal)).toBe(0);

    const gone = await startServer(() => undefined);
    await gone.close();
    const refusedFetcher = await track(createSubgraphFetcher({ url: gone.url, timeoutMs: 5_000, connections: 1 }));
    const refused = new AbortController();
    await expect(refusedFetcher.send(gone.url, init, 5_000, refused.signal)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(listeners(refused.signal)).toBe(0);
  });
});
