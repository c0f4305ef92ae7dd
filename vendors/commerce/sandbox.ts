import { defineSandboxVendor } from '../sandbox/SandboxVendorModule.js';
import { createCommerceVendor } from './createCommerceVendor.js';

/** ShopCore, behind the catalog subgraph: no settings beyond its port and key. */
export const sandboxVendor = defineSandboxVendor({
  name: 'commerce',
  settings: {},
  optionsFrom: () => ({}),
  start: (base) => createCommerceVendor(base),
});
