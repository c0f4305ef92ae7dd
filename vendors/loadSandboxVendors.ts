import { sandboxVendorEntries, sandboxVendorPaths } from '../platform/registry/services.js';
import type { SandboxVendorModule } from './sandbox/SandboxVendorModule.js';

let loaded: Promise<readonly SandboxVendorModule[]> | undefined;

/**
 * The module of every vendor in the registry, in registry order, loaded once. A vendor
 * whose module is missing or exports something else stops the sandbox with its name.
 */
export function loadSandboxVendors(): Promise<readonly SandboxVendorModule[]> {
  return (loaded ??= Promise.all(
    sandboxVendorEntries.map(async (entry) => {
      const path = sandboxVendorPaths(entry.name).module;
      const module = (await import(new URL(`../${path.replace(/\.ts$/, '.js')}`, import.meta.url).href)) as { sandboxVendor?: SandboxVendorModule };
      if (module.sandboxVendor?.name !== entry.name) throw new Error(`${path} must export sandboxVendor with name "${entry.name}"`);
      return module.sandboxVendor;
    }),
  ));
}
