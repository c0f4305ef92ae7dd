import type { RunningIdentityVendor } from './identity/createIdentityVendor.js';
import { exitOnConfigError } from '../platform/config/exitOnConfigError.js';
import { parseSandboxConfig, sandboxOptionsFrom } from './config.js';
import { loadSandboxVendors } from './loadSandboxVendors.js';
import { startSandbox, type Sandbox, type SandboxOptions } from './startSandbox.js';

async function start(options: SandboxOptions): Promise<Sandbox> {
  try {
    return await startSandbox(options);
  } catch (err) {
    console.error(`sandbox: could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

const modules = await loadSandboxVendors();
const sandbox = await start(sandboxOptionsFrom(exitOnConfigError(() => parseSandboxConfig(process.env, modules)), modules));
for (const vendor of sandbox.vendors) {
  console.log(`sandbox ${vendor.name.padEnd(8)} (${vendor.brand}) ${vendor.url}  control: ${vendor.url}/__sandbox/faults`);
  if ('oidc' in vendor) console.log(`sandbox OIDC issuer ${(vendor as RunningIdentityVendor).oidc.issuer}/.well-known/openid-configuration  keys: ${vendor.url}/__sandbox/keys`);
}

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`sandbox: ${signal} received, closing`);
  void sandbox.close().then(() => process.exit(0));
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
