import { createServer } from 'node:net';
import { gatewayEntry, sandboxVendorEntries, sandboxVendorEnv, subgraphEntries, subgraphEnv } from '../../platform/registry/services.js';

/** The port setting of every service `npm start` runs, from the registry. */
export const npmStartPortEnvs: readonly string[] = [
  gatewayEntry.portEnv,
  ...subgraphEntries.map((s) => subgraphEnv(s.name).port),
  ...sandboxVendorEntries.map((v) => sandboxVendorEnv(v.name).port),
];

/** Whether a server could listen on 127.0.0.1:`port` now (it is closed again at once). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * One port per service of `npm start`, in a block where nothing listens now. The block lies
 * between 20000 and 32000: away from the defaults (a developer's own `npm start`) and below
 * the ephemeral range (32768+) that port-0 servers take. Services on the machine have fixed
 * ports there too (RabbitMQ's 25672), so every port is tried before it is handed out.
 */
export async function npmStartPorts(): Promise<Record<string, number>> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (12_000 - npmStartPortEnvs.length));
    const ports = npmStartPortEnvs.map((_, i) => base + i);
    const free = await Promise.all(ports.map(isPortFree));
    if (free.every(Boolean)) return Object.fromEntries(npmStartPortEnvs.map((name, i) => [name, ports[i]!]));
  }
  throw new Error('no block of free ports between 20000 and 32000 after 20 tries');
}
