import { createServer, type Server } from 'node:http';
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
  const server = createServer({ keepAliveTimeout: 5_000, requestTimeout: 30_000 }, handler);
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
