import { gatewayEntry, SANDBOX_ENTRY, sandboxVendorEntries, sandboxVendorEnv, subgraphEntries, subgraphEnv, subgraphPaths } from '../registry/services.js';

/** What the health check of one running service asks, and of whom. */
export interface HealthTarget {
  /** `gateway`, a subgraph's name, `<name>-worker` or `sandbox`. */
  readonly service: string;
  /** 2xx = healthy. */
  readonly url: string;
}

/** The command names no service of this image, or the service cannot be reached from inside its container. */
export class HealthTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HealthTargetError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

interface Probe {
  readonly service: string;
  readonly entry: string;
  readonly hostEnv: string;
  readonly portEnv: string;
  /** Undefined: the service listens only when the variable is set. */
  readonly defaultPort: number | undefined;
  readonly path: string;
}

/**
 * Every service of the one image, by entry point, and where it answers whether it is
 * healthy: the gateway and the subgraphs on their port (`/readyz`: what docker-compose waits
 * on), a worker on `METRICS_PORT` (`/healthz`, its only listener), the sandbox on its first
 * vendor's port.
 */
function probes(): Probe[] {
  const firstVendor = sandboxVendorEntries[0];
  return [
    { service: gatewayEntry.name, entry: gatewayEntry.entry, hostEnv: 'GATEWAY_HOST', portEnv: gatewayEntry.portEnv, defaultPort: gatewayEntry.port, path: '/readyz' },
    ...subgraphEntries.flatMap((s): Probe[] => {
      const env = subgraphEnv(s.name);
      return [
        { service: s.name, entry: subgraphPaths(s.name).entry, hostEnv: env.host, portEnv: env.port, defaultPort: s.port, path: '/readyz' },
        { service: `${s.name}-worker`, entry: subgraphPaths(s.name).worker, hostEnv: env.host, portEnv: 'METRICS_PORT', defaultPort: undefined, path: '/healthz' },
      ];
    }),
    ...(firstVendor === undefined
      ? []
      : [{ service: 'sandbox', entry: SANDBOX_ENTRY, hostEnv: 'SANDBOX_HOST', portEnv: sandboxVendorEnv(firstVendor.name).port, defaultPort: firstVendor.port, path: '/__sandbox/health' }]),
  ];
}

/** `dist/subgraphs/catalog/main.js`, `/app/dist/…`, `./subgraphs/catalog/main.ts` → `subgraphs/catalog/main`. */
const withoutExtension = (path: string) => path.replace(/\\/g, '/').replace(/\.(?:js|mjs|ts|mts)$/, '');

/**
 * The service a container runs, from its command line (the argv of its main process, e.g.
 * `node dist/subgraphs/catalog/main.js`, possibly behind an init such as `docker-init --`),
 * and the URL that says whether it is healthy, from the same environment the service read:
 * its port variable (or the registry's default) and its host variable (a wildcard address,
 * or none, means loopback).
 */
export function healthTargetOf(command: readonly string[], env: Env): HealthTarget {
  const all = probes();
  const probe = command
    .map(withoutExtension)
    .flatMap((arg) => all.filter((p) => arg === withoutExtension(p.entry) || arg.endsWith(`/${withoutExtension(p.entry)}`)))[0];
  if (probe === undefined) {
    const shown = command.join(' ');
    throw new HealthTargetError(
      `no service of this image in the command "${shown.length > 120 ? `${shown.slice(0, 120)}…` : shown}": expected dist/gateway/src/main.js, ` +
        `dist/subgraphs/<name>/main.js, dist/subgraphs/<name>/worker/main.js or dist/vendors/main.js (subgraphs: ${subgraphEntries.map((s) => s.name).join(', ')})`,
    );
  }
  const rawPort = env[probe.portEnv]?.trim();
  const port = rawPort === undefined || rawPort === '' ? probe.defaultPort : Number(rawPort);
  if (port === undefined) throw new HealthTargetError(`${probe.service} listens only when ${probe.portEnv} is set; set it to check its health`);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new HealthTargetError(`${probe.service}: ${probe.portEnv}=${rawPort ?? ''} is not a port that can be checked (a fixed port from 1 to 65535)`);
  }
  const host = env[probe.hostEnv]?.trim();
  const address = host === undefined || host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { service: probe.service, url: `http://${address.includes(':') ? `[${address}]` : address}:${port}${probe.path}` };
}
