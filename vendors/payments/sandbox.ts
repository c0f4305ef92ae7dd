import { defineSandboxVendor } from '../sandbox/SandboxVendorModule.js';
import { createPaymentsVendor } from './createPaymentsVendor.js';

/** Paylane, behind the payments subgraph: no settings beyond its port and key. */
export const sandboxVendor = defineSandboxVendor({
  name: 'payments',
  settings: {},
  optionsFrom: () => ({}),
  start: (base) => createPaymentsVendor(base),
});
