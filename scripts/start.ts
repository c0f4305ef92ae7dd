/**
 * `npm start`: the whole system on embedded defaults, one process per service as in
 * production (sandbox vendors, three subgraphs, gateway), then a ready-to-paste curl.
 * Ctrl-C (or SIGTERM) stops every service gracefully.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateIdentityKeys } from '../platform/identity/generateIdentityKeys.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const host = '127.0.0.1';
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
// Every service's port, read once: the wiring, the readiness checks and the banner all use these.
const ports = {
  gateway: port('GATEWAY_PORT', 4000),
  catalog: port('CATALOG_PORT', 4001),
  reviews: port('REVIEWS_PORT', 4002),
  accounts: port('ACCOUNTS_PORT', 4003),
  commerceVendor: port('SANDBOX_COMMERCE_PORT', 4101),
  reviewsVendor: port('SANDBOX_REVIEWS_PORT', 4102),
  identityVendor: port('SANDBOX_IDENTITY_PORT', 4103),
};
// One ephemeral key pair per run: the gateway signs the identity it forwards, every subgraph verifies it.
// A pair already in the environment (both halves) is used as is.
const identityKeys =
  process.env.GATEWAY_IDENTITY_PRIVATE_KEY && process.env.GATEWAY_IDENTITY_JWKS
    ? { privateJwk: process.env.GATEWAY_IDENTITY_PRIVATE_KEY, publicJwks: process.env.GATEWAY_IDENTITY_JWKS }
    : await generateIdentityKeys();
// Wire the services to each other from their ports, so moving one port moves its users too.
const env = {
  ...process.env,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  APOLLO_TELEMETRY_DISABLED: '1',
  CATALOG_VENDOR_URL: process.env.CATALOG_VENDOR_URL ?? `http://${host}:${ports.commerceVendor}`,
  REVIEWS_VENDOR_URL: process.env.REVIEWS_VENDOR_URL ?? `http://${host}:${ports.reviewsVendor}`,
  ACCOUNTS_VENDOR_URL: process.env.ACCOUNTS_VENDOR_URL ?? `http://${host}:${ports.identityVendor}`,
  // Access tokens come from the identity sandbox, which is also the OIDC issuer.
  AUTH_ISSUER: process.env.AUTH_ISSUER ?? `http://${host}:${ports.identityVendor}`,
  GATEWAY_IDENTITY_PRIVATE_KEY: identityKeys.privateJwk,
  GATEWAY_IDENTITY_JWKS: identityKeys.publicJwks,
  SUBGRAPH_URLS:
    process.env.SUBGRAPH_URLS ??
    (['catalog', 'reviews', 'accounts'] as const)
      .map((name) => `${name}=http://${host}:${ports[name]}/graphql`)
      .join(','),
};

const services = [
  { name: 'sandbox', entry: 'vendors/main.ts', health: `http://${host}:${ports.commerceVendor}/__sandbox/health` },
  { name: 'catalog', entry: 'subgraphs/catalog/main.ts', health: `http://${host}:${ports.catalog}/readyz` },
  { name: 'reviews', entry: 'subgraphs/reviews/main.ts', health: `http://${host}:${ports.reviews}/readyz` },
  { name: 'accounts', entry: 'subgraphs/accounts/main.ts', health: `http://${host}:${ports.accounts}/readyz` },
  { name: 'gateway', entry: 'gateway/src/main.ts', health: `http://${host}:${ports.gateway}/readyz` },
] as const;

const children = new Map<string, ChildProcess>();
let stopping = false;

function startService(service: (typeof services)[number]): ChildProcess {
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
  // The sandbox first (subgraphs call it), the gateway last (it needs every subgraph).
  startService(services[0]);
  await waitReady(services[0].name, services[0].health);
  for (const service of services.slice(1, 4)) startService(service);
  await Promise.all(services.slice(1, 4).map((s) => waitReady(s.name, s.health)));
  startService(services[4]);
  await waitReady(services[4].name, services[4].health);
} catch (err) {
  console.error((err as Error).message);
  await stop(1);
}

// A service that died during start-up has already begun stopping everything.
if (stopping) await new Promise(() => undefined);

const gatewayUrl = `http://${host}:${ports.gateway}/graphql`;
const homeScreen = readFileSync(new URL('../test/operations/HomeScreen.graphql', import.meta.url), 'utf8').replace(/\s+/g, ' ').trim();
const body = JSON.stringify({ query: homeScreen }).replace(/'/g, `'\\''`);
console.log(`
Mobile graph is up.

  Gateway     ${gatewayUrl}   (open it in a browser to explore the schema)
  Subgraphs   catalog :${ports.catalog}  reviews :${ports.reviews}  accounts :${ports.accounts}
  Sandbox     commerce :${ports.commerceVendor}  reviews :${ports.reviewsVendor}  identity :${ports.identityVendor}  (faults: PUT /__sandbox/faults)

The home screen:

curl -s ${gatewayUrl} -H 'content-type: application/json' --data '${body}'

Ctrl-C stops everything.
`);
