import { parseConfig } from '../platform/config/parseConfig.js';
import { int, string, type Env, type Setting } from '../platform/config/setting.js';
import { sandboxVendorEntry, sandboxVendorEnv, subgraphEntries } from '../platform/registry/services.js';
import type { SandboxVendorModule } from './sandbox/SandboxVendorModule.js';
import type { SandboxOptions } from './startSandbox.js';

/** Settings of the whole sandbox, whatever its vendors. */
export const commonSandboxSettings = {
  host: string('SANDBOX_HOST', { default: '127.0.0.1', description: 'Interface every sandbox vendor listens on.' }),
  latencyMs: int('SANDBOX_LATENCY_MS', {
    default: 0,
    min: 0,
    max: 60_000,
    unit: 'ms',
    description: "Baseline latency of every answer of every sandbox vendor, from the request's arrival to its answer.",
  }),
};

/** Who calls a vendor, for its settings' descriptions. */
const behind = (vendor: string) => {
  const users = subgraphEntries.filter((s) => s.vendor === vendor).map((s) => s.name);
  return users.length > 0 ? `, behind the ${users.join(', ')} subgraph` : '';
};

/** Every vendor's port and key (from the registry) and its own settings, keyed `<vendor>.<setting>`. */
function vendorSettings(vendor: SandboxVendorModule): Record<string, Setting<unknown>> {
  const entry = sandboxVendorEntry(vendor.name);
  const env = sandboxVendorEnv(vendor.name);
  const settings: Record<string, Setting<unknown>> = {
    [`${vendor.name}.port`]: int(env.port, {
      default: entry.port,
      min: 0,
      max: 65_535,
      description: `Port of the ${vendor.name} sandbox vendor${behind(vendor.name)} (0 = any free port).`,
    }),
    [`${vendor.name}.key`]: string(env.key, { default: entry.defaultKey, secret: true, description: `API key the ${vendor.name} sandbox vendor accepts.` }),
  };
  for (const [key, setting] of Object.entries(vendor.settings)) settings[`${vendor.name}.${key}`] = setting;
  return settings;
}

/** The sandbox's settings for these vendors; docs are generated from them. */
export function sandboxSettings(vendors: readonly SandboxVendorModule[]): Record<string, Setting<unknown>> {
  return Object.assign({ ...commonSandboxSettings }, ...vendors.map(vendorSettings));
}

export type SandboxConfig = Readonly<Record<string, unknown>>;

/** Parses and freezes the sandbox config; throws ConfigError listing every problem. */
export function parseSandboxConfig(env: Env, vendors: readonly SandboxVendorModule[]): SandboxConfig {
  return parseConfig('vendor sandbox', sandboxSettings(vendors), env);
}

export function sandboxOptionsFrom(config: SandboxConfig, vendors: readonly SandboxVendorModule[]): SandboxOptions {
  const own = (vendor: string) =>
    Object.fromEntries(
      Object.entries(config)
        .filter(([key]) => key.startsWith(`${vendor}.`))
        .map(([key, value]) => [key.slice(vendor.length + 1), value]),
    );
  return {
    host: config.host as string,
    latencyMs: config.latencyMs as number,
    vendors: Object.fromEntries(
      vendors.map((vendor) => {
        const { port, key, ...rest } = own(vendor.name);
        return [vendor.name, { port: port as number, apiKey: key as string, ...vendor.optionsFrom(rest) }];
      }),
    ),
  };
}
