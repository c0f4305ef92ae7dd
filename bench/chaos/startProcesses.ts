import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  gatewayEntry,
  issuerVendorEntry,
  sandboxVendorEntries,
  sandboxVendorEnv,
  subgraphEntries,
  subgraphEnv,
  subgraphPaths,
} from '../../platform/registry/services.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HOST = '127.0.0.1';

export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  child: ChildProcess;
  /** Starts it again after a kill (same port, same environment), resolving when it is ready. */
  restart(): Promise<void>;
}

export interface ProcessStack {
  readonly gatewayUrl: string;
  /** Sandbox vendor name → base URL (control API at `/__sandbox/…`). */
  readonly vendors: Readonly<Record<string, string>>;
  readonly subgraphs: Readonly<Record<string, ServiceProcess>>;
  stop(): Promise<void>;
}

/** A port free right now on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GET over node:http (fetch refuses some ports); true on a 2xx. */
function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 2_000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 300);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function waitReady(name: string, url: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await healthy(url)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} was not ready at ${url} within ${timeoutMs / 1000} s`);
}

/**
 * The whole system as one process per service, as in production (so a subgraph can be
 * killed or frozen with a signal), on free loopback ports, wired from the registry.
 */
export async function startProcesses(extraEnv: Record<string, string>): Promise<ProcessStack> {
  const vendorPorts = Object.fromEntries(await Promise.all(sandboxVendorEntries.map(async (v) => [v.name, await freePort()] as const)));
  const subgraphPorts = Object.fromEntries(await Promise.all(subgraphEntries.map(async (s) => [s.name, await freePort()] as const)));
  const gatewayPort = await freePort();
  const vendorUrl = (name: string) => `http://${HOST}:${vendorPorts[name]}`;
  const issuer = issuerVendorEntry();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    APOLLO_TELEMETRY_DISABLED: '1',
    LOG_LEVEL: 'fatal',
    NODE_ENV: 'development',
    [gatewayEntry.portEnv]: String(gatewayPort),
    SUBGRAPH_URLS: subgraphEntries.map((s) => `${s.name}=http://${HOST}:${subgraphPorts[s.name]}/graphql`).join(','),
    // Load from one address: the gateway's own rate limits would measure themselves, and the
    // reviews sandbox's quota (100/s) would turn the no-fault baseline partial with the caches
    // off. The 429 storm sets its own.
    RATE_LIMIT_PER_IP: '0',
    RATE_LIMIT_PER_USER: '0',
    SANDBOX_REVIEWS_RATE_LIMIT: '0',
    ...(issuer ? { AUTH_ISSUER: vendorUrl(issuer.name) } : {}),
    ...Object.fromEntries(sandboxVendorEntries.map((v) => [sandboxVendorEnv(v.name).port, String(vendorPorts[v.name])])),
    ...Object.fromEntries(
      subgraphEntries.flatMap((s) => [
        [subgraphEnv(s.name).port, String(subgraphPorts[s.name])],
        [subgraphEnv(s.name).vendorUrl, vendorUrl(s.vendor)],
      ]),
    ),
    ...extraEnv,
  };
  const children: ChildProcess[] = [];
  const spawnService = (entry: string): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(child);
    return child;
  };
  const stopAll = async () => {
    const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
    for (const c of alive) {
      c.kill('SIGCONT');
      c.kill('SIGKILL');
    }
    await Promise.all(alive.map((c) => once(c, 'exit')));
  };

  try {
    spawnService('vendors/main.ts');
    await Promise.all(sandboxVendorEntries.map((v) => waitReady(`sandbox ${v.name}`, `${vendorUrl(v.name)}/__sandbox/health`)));
    const subgraphs: Record<string, ServiceProcess> = {};
    for (const s of subgraphEntries) {
      const url = `http://${HOST}:${subgraphPorts[s.name]}`;
      const service: ServiceProcess = {
        name: s.name,
        url,
        child: spawnService(subgraphPaths(s.name).entry),
        async restart() {
          service.child = spawnService(subgraphPaths(s.name).entry);
          await waitReady(s.name, `${url}/readyz`);
        },
      };
      subgraphs[s.name] = service;
    }
    await Promise.all(Object.values(subgraphs).map((s) => waitReady(s.name, `${s.url}/readyz`)));
    spawnService(gatewayEntry.entry);
    await waitReady('gateway', `http://${HOST}:${gatewayPort}/readyz`);
    return {
      gatewayUrl: `http://${HOST}:${gatewayPort}/graphql`,
      vendors: Object.fromEntries(sandboxVendorEntries.map((v) => [v.name, vendorUrl(v.name)])),
      subgraphs,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
