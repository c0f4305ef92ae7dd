import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpHandler } from './createHttpHandler.js';

export interface RunningHttpServer {
  readonly server: Server;
  readonly port: number;
  /** e.g. http://127.0.0.1:4001 */
  readonly origin: string;
  /**
   * Graceful close: stop accepting, let in-flight requests finish, drop idle
   * keep-alive sockets; after `graceMs` destroy whatever is left.
   */
  close(graceMs?: number): Promise<void>;
}

/** Listens on host:port (0 = ephemeral). Only entry points and test harnesses call this. */
export async function startHttpServer(handler: HttpHandler, options: { port: number; host: string }): Promise<RunningHttpServer> {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  const server = createServer({ keepAliveTimeout: 5_000, requestTimeout: 30_000 }, (req, res) => {
    inFlight.add(res);
    res.on('close', () => {
      inFlight.delete(res);
      // A keep-alive socket that just went idle would otherwise hold `close` open until its idle timeout.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    if (draining) res.setHeader('connection', 'close');
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const displayHost = host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host;

  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    origin: `http://${displayHost}:${port}`,
    close(graceMs = 10_000) {
      closing ??= new Promise<void>((resolve) => {
        draining = true;
        // Answers still to come tell the client not to reuse the socket, so it closes right after them.
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
