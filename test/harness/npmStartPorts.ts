import { listenPorts } from './listenPorts.js';
import { gatewayEntry, sandboxVendorEntries, sandboxVendorEnv, subgraphEntries, subgraphEnv } from '../../platform/registry/services.js';

/** The port setting of every service `npm start` runs, from the registry. */
export const npmStartPortEnvs: readonly string[] = [
  gatewayEntry.portEnv,
  ...subgraphEntries.map((s) => subgraphEnv(s.name).port),
  ...sandboxVendorEntries.map((v) => sandboxVendorEnv(v.name).port),
];

/** One port per service of `npm start` (`listenPorts`), by its port setting. */
export async function npmStartPorts(): Promise<Record<string, number>> {
  const ports = await listenPorts(npmStartPortEnvs.length);
  return Object.fromEntries(npmStartPortEnvs.map((name, i) => [name, ports[i]!]));
}
