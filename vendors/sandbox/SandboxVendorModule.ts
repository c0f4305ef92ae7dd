import type { Setting } from '../../platform/config/setting.js';
import type { RunningVendor } from './types.js';

/** What every sandbox vendor gets, from the registry and the sandbox's own settings. */
export interface SandboxVendorBase {
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly apiKey: string;
  /** Baseline latency (ms) it starts with and returns to on reset. */
  readonly latencyMs: number;
}

/** Options of one vendor beyond the base (rate limits, an issuer's clients, …), as tests or settings give them. */
export type VendorOptions = Readonly<Record<string, unknown>>;

/**
 * What every `vendors/<name>/sandbox.ts` exports as `sandboxVendor`, so that the sandbox,
 * its settings and their docs cover every vendor in the registry without listing them.
 */
export interface SandboxVendorModule {
  /** As in the registry (platform/registry/services.ts). */
  readonly name: string;
  /**
   * Settings of this vendor beyond `SANDBOX_<NAME>_PORT` and `SANDBOX_<NAME>_KEY` (which
   * every vendor has), documented in the README's configuration table.
   */
  readonly settings: Readonly<Record<string, Setting<unknown>>>;
  /** Its options from those settings, once parsed. */
  optionsFrom(config: Readonly<Record<string, unknown>>): VendorOptions;
  /** Starts it; `options` come from `optionsFrom` or a test, and override the vendor's defaults. */
  start(base: SandboxVendorBase, options: VendorOptions): Promise<RunningVendor>;
}

/** Types a vendor's module where it is declared. */
export function defineSandboxVendor(module: SandboxVendorModule): SandboxVendorModule {
  return Object.freeze(module);
}
