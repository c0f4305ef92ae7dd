import { exitOnConfigError } from '../platform/config/exitOnConfigError.js';
import { parseSandboxConfig, sandboxOptionsFrom, type SandboxConfig } from './config.js';
import { startSandbox, type Sandbox } from './startSandbox.js';

async function start(config: SandboxConfig): Promise<Sandbox> {
  try {
    return await startSandbox(sandboxOptionsFrom(config));
  } catch (err) {
    console.error(`sandbox: could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

const sandbox = await start(exitOnConfigError(() => parseSandboxConfig(process.env)));
for (const vendor of sandbox.vendors) {
  console.log(`sandbox ${vendor.name.padEnd(8)} (${vendor.brand}) ${vendor.url}  control: ${vendor.url}/__sandbox/faults`);
}
console.log(`sandbox OIDC issuer ${sandbox.identity.oidc.issuer}/.well-known/openid-configuration  keys: ${sandbox.identity.url}/__sandbox/keys`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`sandbox: ${signal} received, closing`);
  void sandbox.close().then(() => process.exit(0));
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
