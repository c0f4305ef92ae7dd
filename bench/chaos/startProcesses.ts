import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxVendorEntries, serviceNodeOptions, subgraphEntries } from '../../platform/registry/services.js';
import { planServices, type ServicePlan, type ServicePorts } from '../../scripts/start/planServices.js';
import { waitReady } from '../../scripts/start/probeReady.js';
import { inMemoryStores } from '../../test/harness/inMemoryStores.js';
import { listenPorts } from '../../test/harness/listenPorts.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HOST = '127.0.0.1';
/** Generous: a busy machine starts slowly, and the wait ends as soon as a service is ready. */
const READY_TIMEOUT_MS = 120_000;

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

/**
 * Every service on free loopback ports, planned as `npm start` plans them, and the environment
 * a load bench runs them with (logs off, embedded stores). Load comes from one address: the
 * gateway's own rate limits would measure themselves, and the reviews sandbox's quota (100/s)
 * would turn a no-fault baseline partial with the caches off. A bench that needs them sets its own.
 */
export async function planLoadStack(): Promise<{ ports: ServicePorts; plan: ServicePlan; env: Record<string, string> }> {
  // Ports below the range outgoing connections take theirs from (listenPorts), since the services listen on them only later.
  const vendors = sandboxVendorEntries.map((v) => v.name);
  const subgraphs = subgraphEntries.map((s) => s.name);
  const [gateway, ...rest] = await listenPorts(1 + vendors.length + subgraphs.length);
  const byName = (names: readonly string[], from: readonly number[]) => Object.fromEntries(names.map((name, i) => [name, from[i]!]));
  const ports = { gateway: gateway!, vendors: byName(vendors, rest), subgraphs: byName(subgraphs, rest.slice(vendors.length)) };
  const plan = planServices(ports, HOST);
  const env = {
    LOG_LEVEL: 'fatal',
    NODE_ENV: 'development',
    ...plan.env,
    RATE_LIMIT_PER_IP: '0',
    RATE_LIMIT_PER_USER: '0',
    SANDBOX_REVIEWS_RATE_LIMIT: '0',
    ...inMemoryStores(),
  };
  return { ports, plan, env };
}

/**
 * The whole system as one process per service, as `npm start` runs it (so a subgraph can
 * be killed or frozen with a signal), on free loopback ports: from the sources through tsx,
 * or, given `build` (a production build's folder relative to the project root, as
 * scripts/build/buildProduction.ts makes it), from its compiled modules on plain node, as the image runs them.
 */
export async function startProcesses(extraEnv: Record<string, string>, options: { readonly build?: string } = {}): Promise<ProcessStack> {
  const { ports, plan, env: base } = await planLoadStack();
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', APOLLO_TELEMETRY_DISABLED: '1', ...base, ...extraEnv };
  const children: ChildProcess[] = [];
  const { build } = options;
  // NODE_OPTIONS: the image's V8 flags and the heap of the service's container, as npm start gives them; extraEnv's own (a profiler, say) adds to them.
  const spawnService = ({ name, entry }: { readonly name: string; readonly entry: string }): ChildProcess => {
    const args = build === undefined ? ['--import', 'tsx', entry] : [join(build, entry.replace(/\.ts$/, '.js'))];
    const child = spawn(process.execPath, args, { cwd: root, env: { ...env, NODE_OPTIONS: serviceNodeOptions(name, extraEnv.NODE_OPTIONS) }, stdio: ['ignore', 'ignore', 'inherit'] });
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
    const subgraphs: Record<string, ServiceProcess> = {};
    for (const wave of plan.waves) {
      for (const service of wave) {
        const child = spawnService(service);
        if (ports.subgraphs[service.name] === undefined) continue;
        const handle: ServiceProcess = {
          name: service.name,
          url: `http://${HOST}:${ports.subgraphs[service.name]}`,
          child,
          async restart() {
            handle.child = spawnService(service);
            await waitReady(service.name, service.health, READY_TIMEOUT_MS);
          },
        };
        subgraphs[service.name] = handle;
      }
      await Promise.all(wave.map((s) => waitReady(s.name, s.health, READY_TIMEOUT_MS)));
    }
    return {
      gatewayUrl: plan.gatewayUrl,
      vendors: Object.fromEntries(sandboxVendorEntries.map((v) => [v.name, `http://${HOST}:${ports.vendors[v.name]}`])),
      subgraphs,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
