import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import { createServer as createNetServer, type Socket } from 'node:net';

/** What every HTTP/2 connection starts with (RFC 9113 §3.4): the client preface. */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** Longer than any client pool's idle timeout, so the client decides when to drop a connection. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

export interface H2cServerOptions {
  host: string;
  port: number;
  onHttp2(req: Http2ServerRequest, res: Http2ServerResponse): void;
  /** HTTP/1.1 requests on the same port (curl, `fetch` in the benchmarks). */
  onHttp1(req: IncomingMessage, res: ServerResponse): void;
}

export interface H2cServer {
  readonly port: number;
  /** Open connections and HTTP/2 sessions; 0 once closed. */
  openHandles(): number;
  /** Stops listening and destroys every session, stream and socket; idempotent. */
  close(): Promise<void>;
}

const ignore = (): void => undefined;

/**
 * One loopback port speaking cleartext HTTP/2 with prior knowledge (h2c), as APNs clients
 * speak it once TLS is set up, and HTTP/1.1 for the control surface. Real APNs is TLS-only
 * (ALPN `h2`); the sandbox skips TLS so tests need no certificates. Each connection is
 * told apart by its first bytes: the HTTP/2 preface, or anything else (HTTP/1.1).
 */
export async function startH2cServer(options: H2cServerOptions): Promise<H2cServer> {
  const sockets = new Set<Socket>();
  const sessions = new Set<ServerHttp2Session>();
  const h2 = createHttp2Server();
  h2.on('request', options.onHttp2);
  h2.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.on('error', ignore);
    session.once('close', () => sessions.delete(session));
  });
  h2.on('stream', (stream) => stream.on('error', ignore));
  const h1 = createHttp1Server(options.onHttp1);
  h1.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  h1.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;

  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', ignore);
    let seen = Buffer.alloc(0);
    const sniff = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, PREFACE.length);
      const looksHttp2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (looksHttp2 && seen.length < PREFACE.length) return; // not told apart yet
      socket.off('data', sniff);
      socket.pause();
      socket.unshift(seen);
      if (looksHttp2) {
        // The HTTP/2 session reads what was put back itself (node's http2 takes over buffered data).
        h2.emit('connection', socket);
      } else {
        h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', sniff);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  let closing: Promise<void> | null = null;

  return {
    port,
    openHandles: () => sockets.size + sessions.size,
    close() {
      closing ??= (async () => {
        const closed = [
          new Promise<void>((resolve) => server.close(() => resolve())),
          // Still in the sets, so not closed yet: each one's 'close' is still to come.
          ...[...sockets, ...sessions].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve()))),
        ];
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
        await Promise.all(closed);
      })();
      return closing;
    },
  };
}
