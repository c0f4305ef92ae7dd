import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RoundRobinOptions {
  /** For error bodies and stats, e.g. 'catalog'. */
  readonly name: string;
  /** ms between two probes of one backend. Default 150. */
  readonly probeIntervalMs?: number;
}

export interface BackendStats {
  readonly id: string;
  readonly origin: string;
  /** Probes say 2xx (fewer than 3 failed in a row), and no connect was refused, or cut before an answer, since the last success. */
  readonly ready: boolean;
  readonly removed: boolean;
  /** Requests handed to it (a refused connect included). */
  readonly requests: number;
  /** Requests it answered (any status). */
  readonly answered: number;
  /** Connects it refused: those requests never reached it and went to another backend once. */
  readonly refused: number;
  /** Requests lost after they reached it (reset, malformed or cut answer): the client was cut. */
  readonly lost: number;
  /** Requests open to it right now. */
  readonly inFlight: number;
}

export interface RoundRobin {
  /** e.g. http://127.0.0.1:40123 */
  readonly origin: string;
  readonly port: number;
  /** A backend (an origin, e.g. a replica's http://127.0.0.1:41234) named `id`; not ready until its first probe passes. */
  add(origin: string, id: string): void;
  /** Stops routing to it for good (its endpoint is gone, as a deleted pod's). */
  remove(id: string): void;
  /** Routes only to this backend (when ready) until `pin(null)`: for checks that must reach one replica. */
  pin(id: string | null): void;
  stats(id: string): BackendStats;
  all(): BackendStats[];
  /** Resolves once a probe found it ready; rejects after `timeoutMs`. */
  waitReady(id: string, timeoutMs?: number): Promise<void>;
  /** Requests answered 503 because no backend was ready. */
  readonly unrouted: number;
  /** Stops probing and listening, and cuts every connection. */
  close(): Promise<void>;
}

/** A backend's stats, kept up to date, and what the balancer needs to reach and probe it. */
type Backend = { -readonly [K in keyof BackendStats]: BackendStats[K] } & { host: string; port: number; probing: boolean; probeFailures: number };

/** Kubernetes' readiness probe: the path polled on every backend (2xx = ready), its timeoutSeconds (1) and failureThreshold (3; one success makes it ready). */
const READY_PATH = '/readyz';
const PROBE_TIMEOUT_MS = 1_000;
const FAILURE_THRESHOLD = 3;

// Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own; the body is re-sent whole with its length.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length']);

/**
 * The Kubernetes Service of a test: one listener on 127.0.0.1 in front of a service's
 * replicas. It balances per HTTP request (not per connection: a keep-alive client such as
 * the gateway would otherwise stick to one replica), round robin over the ready backends.
 * Like kube-proxy with readiness probes, it polls each backend's /readyz and skips
 * those not ready. Like nginx's `proxy_next_upstream error`, a refused connect (the request
 * never reached the process) goes once to the next ready backend; like nginx's passive
 * health check, a backend that refused a connect or cut one before answering is out until a
 * probe passes. A request lost after it was handed over is not sent again (it may have had
 * an effect) and the client's connection is cut, as an L4 balancer (kube-proxy) would: it
 * cannot know whether the backend acted on it. Its own client side opens a connection per
 * request (no keep-alive), so it never hands a request to a socket the backend is closing.
 */
export async function startRoundRobin(options: RoundRobinOptions): Promise<RoundRobin> {
  const probeIntervalMs = options.probeIntervalMs ?? 150;
  const backends: Backend[] = [];
  const sockets = new Set<Socket>();
  const readyWaiters = new Map<string, (() => void)[]>();
  let pinned: string | null = null;
  let next = 0;
  let unrouted = 0;
  let closed = false;

  const find = (id: string): Backend => {
    const found = backends.find((b) => b.id === id);
    if (found === undefined) throw new Error(`${options.name}: no backend ${id}`);
    return found;
  };
  const setReady = (backend: Backend, ready: boolean) => {
    backend.ready = ready;
    if (!ready) return;
    for (const resolve of readyWaiters.get(backend.id) ?? []) resolve();
    readyWaiters.delete(backend.id);
  };

  /** The next ready backend in turn, other than `except`. */
  const pick = (except?: Backend): Backend | undefined => {
    const candidates = backends.filter((b) => b.ready && !b.removed && b !== except && (pinned === null || b.id === pinned));
    if (candidates.length === 0) return undefined;
    return candidates[next++ % candidates.length];
  };

  const probe = (backend: Backend) => {
    if (backend.probing || backend.removed || closed) return;
    backend.probing = true;
    const done = (ready: boolean) => {
      if (!backend.probing) return;
      backend.probing = false;
      if (backend.removed) return;
      backend.probeFailures = ready ? 0 : backend.probeFailures + 1;
      if (ready) setReady(backend, true);
      else if (backend.probeFailures >= FAILURE_THRESHOLD) setReady(backend, false);
    };
    const req = request({ host: backend.host, port: backend.port, path: READY_PATH, method: 'GET', agent: false, timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300));
      res.on('error', () => done(false));
    });
    req.on('timeout', () => req.destroy(new Error('probe timeout')));
    req.on('error', () => done(false));
    req.end();
  };
  const prober = setInterval(() => backends.forEach(probe), probeIntervalMs);

  const forward = (backend: Backend, req: IncomingMessage, res: ServerResponse, body: Buffer, isRetry: boolean) => {
    backend.requests++;
    backend.inFlight++;
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      backend.inFlight--;
      return true;
    };
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    headers['content-length'] = String(body.length);
    let connected = false;
    let answering = false;
    const upstream = request(
      { host: backend.host, port: backend.port, method: req.method, path: req.url, headers, agent: false },
      (answer) => {
        answering = true;
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        answer.on('end', () => {
          if (settle()) backend.answered++;
        });
        // Cut mid-answer: the client must not take a truncated body for a whole one.
        answer.on('aborted', () => lose());
        answer.on('error', () => lose());
      },
    );
    upstream.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    const lose = () => {
      if (!settle()) return;
      backend.lost++;
      res.socket?.destroy();
    };
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      // Refused, or connected and cut before any answer (a dying process still accepts into
      // its backlog: a SIGKILLed replica under load takes tens of ms to exit): like nginx's
      // passive health check (max_fails=1), no more requests to it until a probe passes, so
      // that a retry goes elsewhere instead of into the same dying process. (Settled already:
      // the client left and the upstream was destroyed for it, which says nothing of the backend.)
      if (!answering && !settled) setReady(backend, false);
      if (!connected && err.code === 'ECONNREFUSED') {
        settle();
        backend.refused++;
        const other = isRetry ? undefined : pick(backend);
        if (other !== undefined) forward(other, req, res, body, true);
        else noBackend(res);
        return;
      }
      lose();
    });
    // The client left (it gave up on its deadline): the backend need not finish for nobody, and lost nothing.
    res.on('close', () => {
      if (res.writableFinished || settled) return;
      settle();
      upstream.destroy();
    });
    upstream.end(body);
  };

  const noBackend = (res: ServerResponse) => {
    unrouted++;
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `${options.name}: no ready backend` }));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const backend = pick();
      if (backend === undefined) return noBackend(res);
      forward(backend, req, res, Buffer.concat(chunks), false);
    });
    req.on('error', () => res.socket?.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const snapshot = ({ id, origin, ready, removed, requests, answered, refused, lost, inFlight }: Backend): BackendStats => ({ id, origin, ready, removed, requests, answered, refused, lost, inFlight });

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    add(origin, id) {
      const url = new URL(origin);
      if (backends.some((b) => b.id === id)) throw new Error(`${options.name}: backend ${id} exists`);
      const backend: Backend = {
        id,
        origin: url.origin,
        host: url.hostname,
        port: Number(url.port),
        ready: false,
        removed: false,
        requests: 0,
        answered: 0,
        refused: 0,
        lost: 0,
        inFlight: 0,
        probing: false,
        probeFailures: 0,
      };
      backends.push(backend);
      probe(backend);
    },
    remove(id) {
      const backend = find(id);
      backend.removed = true;
      backend.ready = false;
    },
    pin(id) {
      if (id !== null) find(id);
      pinned = id;
    },
    stats: (id) => snapshot(find(id)),
    all: () => backends.map(snapshot),
    waitReady(id, timeoutMs = 60_000) {
      const backend = find(id);
      if (backend.ready) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${options.name}: backend ${id} (${backend.origin}) not ready within ${timeoutMs} ms`)), timeoutMs);
        const list = readyWaiters.get(id) ?? [];
        list.push(() => {
          clearTimeout(timer);
          resolve();
        });
        readyWaiters.set(id, list);
      });
    },
    get unrouted() {
      return unrouted;
    },
    async close() {
      closed = true;
      clearInterval(prober);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
