import { loadRegisteredModules } from '../platform/registry/loadRegisteredModules.js';
import { sandboxVendorEntries, sandboxVendorPaths } from '../platform/registry/services.js';
import type { SandboxVendorModule } from './sandbox/SandboxVendorModule.js';

let loaded: Promise<readonly SandboxVendorModule[]> | undefined;

/** The module (`sandbox.ts`) of every vendor in the registry, in registry order, loaded once. */
export function loadSandboxVendors(): Promise<readonly SandboxVendorModule[]> {
  return (loaded ??= loadRegisteredModules<SandboxVendorModule>(sandboxVendorEntries, (name) => sandboxVendorPaths(name).module, 'sandboxVendor'));
}
