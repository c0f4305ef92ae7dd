/**
 * `npm start`: the whole system on embedded defaults, one process per service as in
 * production (sandbox vendors, every subgraph of the registry, gateway), then a
 * ready-to-paste curl.
 * Ctrl-C, SIGTERM or SIGHUP stops every service gracefully: the signal is forwarded once
 * to each (they drain in-flight requests), npm start waits for them and leaves none behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exitOnConfigError } from '../platform/config/exitOnConfigError.js';
import { generateIdentityKeys } from '../platform/identity/generateIdentityKeys.js';
import { gatewayEntry, sandboxVendorEntries, sandboxVendorEnv, serviceNodeOptions, subgraphEntries, subgraphEnv } from '../platform/registry/services.js';
import { planServices, type PlannedService } from './start/planServices.js';
import { waitReady } from './start/probeReady.js';
import { parseStartConfig } from './start/startSettings.js';

const config = exitOnConfigError(() => parseStartConfig(process.env));
const root = fileURLToPath(new URL('..', import.meta.url));
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

// Every service of the registry and its port, read once: the wiring, the readiness checks and the banner all use these.
const ports = {
  gateway: port(gatewayEntry.portEnv, gatewayEntry.port),
  vendors: Object.fromEntries(sandboxVendorEntries.map((v) => [v.name, port(sandboxVendorEnv(v.name).port, v.port)])),
  subgraphs: Object.fromEntries(subgraphEntries.map((s) => [s.name, port(subgraphEnv(s.name).port, s.port)])),
};
const plan = planServices(ports);

// One ephemeral key pair per run: the gateway signs the identity it forwards, every subgraph verifies it.
// A pair already in the environment (both halves) is used as is.
const identityKeys =
  process.env.GATEWAY_IDENTITY_PRIVATE_KEY && process.env.GATEWAY_IDENTITY_JWKS
    ? { privateJwk: process.env.GATEWAY_IDENTITY_PRIVATE_KEY, publicJwks: process.env.GATEWAY_IDENTITY_JWKS }
    : await generateIdentityKeys();
// A variable already set (a real vendor's URL) wins over the wiring.
const env = {
  ...plan.env,
  ...process.env,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  APOLLO_TELEMETRY_DISABLED: '1',
  GATEWAY_IDENTITY_PRIVATE_KEY: identityKeys.privateJwk,
  GATEWAY_IDENTITY_JWKS: identityKeys.publicJwks,
};

// Every service watches its stdin, a pipe from this process: should this process die without
// a chance to stop them (SIGKILL, a crash), the pipe closes and they stop themselves.
const exitWithParent = pathToFileURL(fileURLToPath(new URL('./start/exitWithParent.ts', import.meta.url))).href;
const children = new Map<string, ChildProcess>();
/** Services that did not exit cleanly (code 0) once asked to stop. */
const unclean: string[] = [];
let stopping: Promise<void> | undefined;
const stopped = new AbortController();

function startService(service: PlannedService): ChildProcess {
  // `detached`: each service in its own process group, so that Ctrl-C in a terminal (SIGINT
  // to the foreground group) reaches only this process, which forwards it exactly once.
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', exitWithParent, service.entry], {
    cwd: root,
    // The image's V8 flags and the heap of the service's container (the registry's serviceNodeOptions).
    env: { ...env, NODE_OPTIONS: serviceNodeOptions(service.name, process.env.NODE_OPTIONS) },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdin?.on('error', () => undefined);
  const prefix = `[${service.name}] `;
  const relay = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) =>
    stream?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) out.write(prefix + line + '\n');
    });
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (stopping === undefined) {
      console.error(`${service.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything.`);
      void stop('SIGTERM', 1);
    } else if (code !== 0) {
      unclean.push(`${service.name} (${signal ?? `code ${code}`})`);
    }
  });
  children.set(service.name, child);
  return child;
}

/** Sends `signal` to a service's own process group (itself and anything it started); false when it is gone already. */
function signalService(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops every service once: `signal` is forwarded to each, exactly once, then each is
 * waited for (they drain in-flight requests); past START_STOP_TIMEOUT_MS the rest are
 * killed. Exit 0 only when every service stopped cleanly.
 */
function stop(signal: NodeJS.Signals, code: number): Promise<void> {
  stopping ??= (async () => {
    stopped.abort();
    const running = [...children.values()];
    const exits = running.map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
    }));
    for (const child of running) signalService(child, signal);
    const force = setTimeout(() => {
      const names = [...children.keys()];
      console.error(`still running after ${config.stopTimeoutMs / 1000} s (START_STOP_TIMEOUT_MS): ${names.join(', ')}; killing.`);
      for (const child of children.values()) signalService(child, 'SIGKILL');
    }, config.stopTimeoutMs);
    await Promise.all(exits);
    clearTimeout(force);
    if (unclean.length > 0) console.error(`did not stop cleanly: ${unclean.join(', ')}`);
    process.exit(unclean.length > 0 ? 1 : code);
  })();
  return stopping;
}

let repeated = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (stopping !== undefined) {
    // The same Ctrl-C can arrive twice (from the terminal and from npm, which forwards it):
    // the services were told once and are draining; START_STOP_TIMEOUT_MS bounds the wait.
    if (!repeated) console.error(`${signal}: already stopping; services still running are killed after ${config.stopTimeoutMs / 1000} s.`);
    repeated = true;
    return;
  }
  // A closed terminal (SIGHUP) stops the services like SIGTERM: they do not handle SIGHUP.
  void stop(signal === 'SIGHUP' ? 'SIGTERM' : signal, 0);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
// Last resort (an exception here, a process.exit elsewhere): no service outlives this process.
process.on('exit', () => {
  for (const child of children.values()) signalService(child, 'SIGKILL');
});

try {
  for (const wave of plan.waves) {
    if (stopping !== undefined) break;
    for (const service of wave) startService(service);
    await Promise.all(wave.map((s) => waitReady(s.name, s.health, config.readyTimeoutMs, stopped.signal)));
  }
} catch (err) {
  console.error(`${(err as Error).message} (START_READY_TIMEOUT_MS)`);
  await stop('SIGTERM', 1);
}

// A service that died during start-up, or a signal, has already begun stopping everything.
if (stopping !== undefined) await stopping;

const gatewayUrl = plan.gatewayUrl;
const homeScreen = readFileSync(new URL('../test/operations/HomeScreen.graphql', import.meta.url), 'utf8').replace(/\s+/g, ' ').trim();
const body = JSON.stringify({ query: homeScreen }).replace(/'/g, `'\\''`);
console.log(`
Mobile graph is up.

  Gateway     ${gatewayUrl}   (open it in a browser: GraphiQL, works offline)
  Schema      ${new URL('/schema.graphql', gatewayUrl).href}   (the client schema, for codegen)
  Metrics     ${new URL('/metrics', gatewayUrl).href}, and /metrics on each subgraph's port
  Subgraphs   ${Object.entries(ports.subgraphs).map(([name, p]) => `${name} :${p}`).join('  ')}
  Sandbox     ${Object.entries(ports.vendors).map(([name, p]) => `${name} :${p}`).join('  ')}  (faults: PUT /__sandbox/faults)

The home screen:

curl -s ${gatewayUrl} -H 'content-type: application/json' --data '${body}'

A phone buying something (checkout, the payment sheet, the webhook): npm run demo:checkout

Ctrl-C stops everything.
`);
