import { createServer } from 'node:net';

/** Whether a server could listen on 127.0.0.1:`port` now (it is closed again at once). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `count` ports on 127.0.0.1 for servers started later (separate processes told their port and
 * each other's), in a block where nothing listens now. Not port 0's pick: that comes from the
 * ephemeral range (32768+), where every outgoing connection also takes its local port, so one
 * could take the port between the pick and the listen (EADDRINUSE, seen once in 14 bench runs).
 * The block lies between 20000 and 32000, below that range and away from the defaults (a
 * developer's own `npm start`); services on the machine have fixed ports there too (RabbitMQ's
 * 25672), so every port is tried before it is handed out.
 */
export async function listenPorts(count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (12_000 - count));
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const free = await Promise.all(ports.map(isPortFree));
    if (free.every(Boolean)) return ports;
  }
  throw new Error(`no block of ${count} free ports between 20000 and 32000 after 20 tries`);
}
