/**
 * `npm run dev -- <name>`: one subgraph with only its own sandbox vendor, for the team
 * that owns it. The vendor runs in this process (from `vendors/<vendor>/sandbox.ts`), the
 * subgraph in its own, from its `main.ts`, pointed at that vendor exactly as in production
 * (`<NAME>_VENDOR_URL`, `<NAME>_VENDOR_KEY`). It verifies `x-gateway-identity` like a
 * deployed subgraph: with GATEWAY_IDENTITY_JWKS from the environment when both halves of a
 * pair are set there (`npm run keys:identity`), else with a key pair made for this run, whose
 * private half the banner prints for `npm run token:identity`.
 * Ports: `<NAME>_PORT` and `SANDBOX_<VENDOR>_PORT` (registry defaults). Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exitOnConfigError } from '../platform/config/exitOnConfigError.js';
import { generateIdentityKeys } from '../platform/identity/generateIdentityKeys.js';
import { serviceNodeOptions, subgraphEnv, subgraphPaths, subgraphReadsEnv } from '../platform/registry/services.js';
import { parseSandboxConfig, sandboxOptionsFrom } from '../vendors/config.js';
import { loadSandboxVendors } from '../vendors/loadSandboxVendors.js';
import { pointWebhooks } from '../vendors/sandbox/pointWebhooks.js';
import { waitReady } from './start/probeReady.js';
import { subgraphArgument } from './subgraphArgument.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const named = subgraphArgument(process.argv[2], 'npm run dev -- <name>');
if (!named.ok) {
  console.error(`dev: ${named.message}`);
  process.exit(1);
}
const subgraph = named.subgraph;
const names = subgraphEnv(subgraph.name);

// Only this subgraph's vendors (its own, and those it reads from), with the sandbox's own
// settings (SANDBOX_<VENDOR>_PORT, _KEY, …).
const vendorModules = await loadSandboxVendors();
async function startVendor(name: string) {
  const module = vendorModules.find((m) => m.name === name)!;
  const sandbox = sandboxOptionsFrom(exitOnConfigError(() => parseSandboxConfig(process.env, [module])), [module]);
  const { port: vendorPort, apiKey, ...own } = sandbox.vendors![module.name]!;
  const started = await module.start({ host: sandbox.host!, latencyMs: sandbox.latencyMs!, port: vendorPort ?? 0, apiKey: apiKey! }, own).catch((err: unknown) => {
    console.error(`dev: the ${module.name} sandbox vendor could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
  return { vendor: started, apiKey: apiKey! };
}
const { vendor, apiKey } = await startVendor(subgraph.vendor);
const reads = await Promise.all((subgraph.reads ?? []).map(async (name) => ({ name, ...(await startVendor(name)) })));
const readsEnv = Object.fromEntries(
  reads.flatMap(({ name, vendor: v, apiKey: key }) => {
    const names = subgraphReadsEnv(subgraph.name, name);
    return [
      [names.url, v.url],
      [names.key, key],
    ];
  }),
);
const closeVendors = () => Promise.all([vendor.close(), ...reads.map((r) => r.vendor.close())]);

const envKeys = process.env.GATEWAY_IDENTITY_PRIVATE_KEY && process.env.GATEWAY_IDENTITY_JWKS;
const keys = envKeys
  ? { privateJwk: process.env.GATEWAY_IDENTITY_PRIVATE_KEY!, publicJwks: process.env.GATEWAY_IDENTITY_JWKS! }
  : await generateIdentityKeys();
const host = process.env[names.host] ?? '127.0.0.1';
const port = Number(process.env[names.port] ?? subgraph.port);
const origin = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

// Its own process group: Ctrl-C reaches this process only, which stops the subgraph (drain) and then the vendor.
const child = spawn(process.execPath, ['--import', 'tsx', subgraphPaths(subgraph.name).entry], {
  cwd: root,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    APOLLO_TELEMETRY_DISABLED: '1',
    NODE_OPTIONS: serviceNodeOptions(subgraph.name, process.env.NODE_OPTIONS),
    [names.vendorUrl]: vendor.url,
    [names.vendorKey]: apiKey,
    ...readsEnv,
    GATEWAY_IDENTITY_JWKS: keys.publicJwks,
  },
});
const relay = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) =>
  stream?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) out.write(`[${subgraph.name}] ${line}\n`);
  });
relay(child.stdout, process.stdout);
relay(child.stderr, process.stderr);

let stopping = false;
const stopped = new AbortController();
const childExited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
// Should this process end any other way, the subgraph does not outlive it.
process.on('exit', () => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function stop(code: number): Promise<never> {
  stopping = true;
  stopped.abort();
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await childExited;
    clearTimeout(force);
  }
  await closeVendors();
  process.exit(code);
}

const onSignal = () => {
  if (stopping) return;
  console.log(`\nstopping ${subgraph.name} and its sandbox vendor`);
  void stop(0);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// The terminal closing: the subgraph runs in its own process group, so nobody else would stop it.
process.on('SIGHUP', onSignal);
void childExited.then((code) => {
  if (stopping) return;
  console.error(`dev: ${subgraph.name} exited (code ${code}); stopping its sandbox vendor`);
  void stop(1);
});

// The same probe as npm start's: node:http, so ports fetch refuses (6000, …) work too.
const ready = await waitReady(subgraph.name, `${origin}/readyz`, 60_000, stopped.signal).then(
  () => !stopping,
  (err: Error) => {
    if (!stopping) {
      console.error(`dev: ${err.message}`);
      void stop(1);
    }
    return false;
  },
);
if (ready && subgraph.webhookPath !== undefined) {
  // Its vendor's webhooks go to it.
  await pointWebhooks(vendor.url, `${origin}${subgraph.webhookPath}`).catch((err: Error) => console.error(`dev: ${err.message}`));
}
if (ready) {
  const body = JSON.stringify({ query: '{ _service { sdl } }' });
  const keyLine = envKeys
    ? `It verifies x-gateway-identity with GATEWAY_IDENTITY_JWKS from your environment; token:identity signs with GATEWAY_IDENTITY_PRIVATE_KEY from it.`
    : `It verifies x-gateway-identity with a key pair made for this run. To mint tokens for it (each valid 60 s):\n\n  export GATEWAY_IDENTITY_PRIVATE_KEY='${keys.privateJwk}'`;
  console.log(`
${subgraph.name} is up (development), with only its own sandbox vendors.

  Subgraph   ${origin}/graphql
  Vendor     ${vendor.name} (${vendor.brand}) ${vendor.url}   faults: PUT ${vendor.url}/__sandbox/faults
${reads.map((r) => `  Reads      ${r.vendor.name} (${r.vendor.brand}) ${r.vendor.url}\n`).join('')}
${keyLine}

curl -s ${origin}/graphql -H 'content-type: application/json' \\
  -H "x-gateway-identity: $(npm run -s token:identity -- ${subgraph.name})" \\
  --data '${body}'

A signed-in caller: npm run -s token:identity -- ${subgraph.name} --user <id> --scope "<scopes>"
Ctrl-C stops both.
`);
}
