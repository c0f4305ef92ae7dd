/**
 * `npm start`: the whole system on embedded defaults, one process per service as in
 * production (sandbox vendors, every subgraph of the registry, gateway), then a
 * ready-to-paste curl.
 * Ctrl-C (or SIGTERM) stops every service gracefully.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateIdentityKeys } from '../platform/identity/generateIdentityKeys.js';
import {
  gatewayEntry,
  issuerVendorEntry,
  sandboxVendorEntries,
  sandboxVendorEnv,
  subgraphEntries,
  subgraphEnv,
  subgraphPaths,
} from '../platform/registry/services.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const host = '127.0.0.1';
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

// Every service of the registry and its port, read once: the wiring, the readiness checks and the banner all use these.
const gatewayPort = port(gatewayEntry.portEnv, gatewayEntry.port);
const vendors = sandboxVendorEntries.map((v) => ({ ...v, port: port(sandboxVendorEnv(v.name).port, v.port) }));
const subgraphs = subgraphEntries.map((s) => ({ ...s, port: port(subgraphEnv(s.name).port, s.port) }));
const vendorUrl = (name: string) => `http://${host}:${vendors.find((v) => v.name === name)!.port}`;
const issuer = issuerVendorEntry();

// One ephemeral key pair per run: the gateway signs the identity it forwards, every subgraph verifies it.
// A pair already in the environment (both halves) is used as is.
const identityKeys =
  process.env.GATEWAY_IDENTITY_PRIVATE_KEY && process.env.GATEWAY_IDENTITY_JWKS
    ? { privateJwk: process.env.GATEWAY_IDENTITY_PRIVATE_KEY, publicJwks: process.env.GATEWAY_IDENTITY_JWKS }
    : await generateIdentityKeys();
// Wire the services to each other from their ports, so moving one port moves its users too.
// A variable already set (a real vendor's URL) wins.
const wiring: Record<string, string> = {
  ...Object.fromEntries(subgraphs.map((s) => [subgraphEnv(s.name).vendorUrl, vendorUrl(s.vendor)])),
  // Access tokens come from the sandbox's identity vendor, which is also the OIDC issuer.
  ...(issuer ? { AUTH_ISSUER: vendorUrl(issuer.name) } : {}),
  SUBGRAPH_URLS: subgraphs.map((s) => `${s.name}=http://${host}:${s.port}/graphql`).join(','),
};
const env = {
  ...wiring,
  ...process.env,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  APOLLO_TELEMETRY_DISABLED: '1',
  GATEWAY_IDENTITY_PRIVATE_KEY: identityKeys.privateJwk,
  GATEWAY_IDENTITY_JWKS: identityKeys.publicJwks,
};

interface Service {
  readonly name: string;
  readonly entry: string;
  readonly health: string;
}
// Started in three waves: the sandbox (subgraphs call it), every subgraph, the gateway (it needs every subgraph).
const sandbox: Service = { name: 'sandbox', entry: 'vendors/main.ts', health: `${vendorUrl(vendors[0]!.name)}/__sandbox/health` };
const subgraphServices: Service[] = subgraphs.map((s) => ({ name: s.name, entry: subgraphPaths(s.name).entry, health: `http://${host}:${s.port}/readyz` }));
const gateway: Service = { name: 'gateway', entry: gatewayEntry.entry, health: `http://${host}:${gatewayPort}/readyz` };

const children = new Map<string, ChildProcess>();
let stopping = false;

function startService(service: Service): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', service.entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${service.name}] `;
  const relay = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) =>
    stream?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) out.write(prefix + line + '\n');
    });
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (!stopping) {
      console.error(`${service.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything.`);
      void stop(1);
    }
  });
  children.set(service.name, child);
  return child;
}

async function waitReady(name: string, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${name} did not become ready at ${url} within ${timeoutMs / 1000} s`);
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const exits = [...children.values()].map((child) => new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  }));
  const force = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 15_000);
  await Promise.all(exits);
  clearTimeout(force);
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  for (const wave of [[sandbox], subgraphServices, [gateway]]) {
    for (const service of wave) startService(service);
    await Promise.all(wave.map((s) => waitReady(s.name, s.health)));
  }
} catch (err) {
  console.error((err as Error).message);
  await stop(1);
}

// A service that died during start-up has already begun stopping everything.
if (stopping) await new Promise(() => undefined);

const gatewayUrl = `http://${host}:${gatewayPort}/graphql`;
const homeScreen = readFileSync(new URL('../test/operations/HomeScreen.graphql', import.meta.url), 'utf8').replace(/\s+/g, ' ').trim();
const body = JSON.stringify({ query: homeScreen }).replace(/'/g, `'\\''`);
console.log(`
Mobile graph is up.

  Gateway     ${gatewayUrl}   (open it in a browser to explore the schema)
  Subgraphs   ${subgraphs.map((s) => `${s.name} :${s.port}`).join('  ')}
  Sandbox     ${vendors.map((v) => `${v.name} :${v.port}`).join('  ')}  (faults: PUT /__sandbox/faults)

The home screen:

curl -s ${gatewayUrl} -H 'content-type: application/json' --data '${body}'

Ctrl-C stops everything.
`);
