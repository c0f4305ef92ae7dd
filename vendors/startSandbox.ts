import type { RunningIdentityVendor } from './identity/createIdentityVendor.js';
import { loadSandboxVendors } from './loadSandboxVendors.js';
import type { VendorOptions } from './sandbox/SandboxVendorModule.js';
import type { RunningVendor } from './sandbox/types.js';
import { sandboxVendorEntry } from '../platform/registry/services.js';

/** One vendor's options: its port (default 0, ephemeral) and key (default: the registry's), plus its own (see its sandbox.ts). */
export type SandboxVendorOptions = VendorOptions & { readonly port?: number; readonly apiKey?: string };

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Baseline latency of every vendor (ms); default 0. */
  latencyMs?: number;
  /** By vendor name, e.g. `{ reviews: { rateLimit: null }, identity: { port: 4103 } }`. */
  vendors?: Readonly<Record<string, SandboxVendorOptions>>;
}

export interface Sandbox {
  /** Every vendor of the registry, in its order. */
  readonly vendors: readonly RunningVendor[];
  /** A vendor by its registry name; throws for an unknown name. */
  vendor(name: string): RunningVendor;
  /** Shorthands, by name, for the three vendors most tests use. */
  readonly commerce: RunningVendor;
  readonly reviews: RunningVendor;
  /** Also an OpenID Connect issuer: `identity.oidc` rotates keys and signs test tokens. */
  readonly identity: RunningIdentityVendor;
  /** Resets every vendor's faults and counters (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/** Starts every vendor of the registry; if one fails to start, the others are closed again. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const latencyMs = options.latencyMs ?? 0;
  const modules = await loadSandboxVendors();
  const started = await Promise.allSettled(
    modules.map((module) => {
      const { port, apiKey, ...own } = options.vendors?.[module.name] ?? {};
      return module.start({ host, latencyMs, port: port ?? 0, apiKey: apiKey ?? sandboxVendorEntry(module.name).defaultKey }, own);
    }),
  );
  const running = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(running.map((v) => v.close()));
    throw failure.reason;
  }
  const vendors = Object.freeze(running);
  const vendor = (name: string): RunningVendor => {
    const found = vendors.find((v) => v.name === name);
    if (found === undefined) throw new Error(`the sandbox has no vendor named "${name}"`);
    return found;
  };
  return {
    vendors,
    vendor,
    get commerce() {
      return vendor('commerce');
    },
    get reviews() {
      return vendor('reviews');
    },
    get identity() {
      return vendor('identity') as RunningIdentityVendor;
    },
    reset() {
      for (const v of vendors) {
        v.control.resetFaults();
        v.control.resetStats();
      }
    },
    async close() {
      await Promise.all(vendors.map((v) => v.close()));
    },
  };
}
