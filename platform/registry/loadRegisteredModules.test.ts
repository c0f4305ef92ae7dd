import { describe, expect, it } from 'vitest';
import { loadRegisteredModules } from './loadRegisteredModules.js';
import { sandboxVendorEntries, sandboxVendorPaths, subgraphEntries, subgraphPaths } from './services.js';

describe('loadRegisteredModules', () => {
  it('loads every registered module in registry order', async () => {
    const modules = await loadRegisteredModules(subgraphEntries, (name) => subgraphPaths(name).module, 'subgraph');
    expect(modules.map((m) => m.name)).toEqual(subgraphEntries.map((s) => s.name));
    const vendors = await loadRegisteredModules(sandboxVendorEntries, (name) => sandboxVendorPaths(name).module, 'sandboxVendor');
    expect(vendors.map((m) => m.name)).toEqual(sandboxVendorEntries.map((v) => v.name));
  });

  it('names the path when the registry and the folders disagree', async () => {
    await expect(loadRegisteredModules([{ name: 'nowhere' }], (name) => subgraphPaths(name).module, 'subgraph')).rejects.toThrow(/nowhere/);
    await expect(loadRegisteredModules([{ name: 'commerce' }], (name) => sandboxVendorPaths(name).module, 'subgraph')).rejects.toThrow(
      'vendors/commerce/sandbox.ts must export subgraph with name "commerce"',
    );
    await expect(loadRegisteredModules([{ name: 'reviews' }], () => 'vendors/commerce/sandbox.ts', 'sandboxVendor')).rejects.toThrow(
      'must export sandboxVendor with name "reviews"',
    );
  });
});
