import { defineSandboxVendor } from '../sandbox/SandboxVendorModule.js';
import { createApnsVendor, type ApnsVendorOptions } from './createApnsVendor.js';

/**
 * Orchard, the APNs-shaped push vendor behind the notifications service, over HTTP/2. Its
 * API key is the key id of the provider key it trusts (the committed fixture, see
 * apnsKeyFixture.ts). Options beyond the base: `teamId`, `topics`, `publicKeyPem`,
 * `extraKeys`, `defaultFaults`, `seed`, `clock` (see createApnsVendor).
 */
export const sandboxVendor = defineSandboxVendor({
  name: 'apns',
  settings: {},
  optionsFrom: () => ({}),
  start: (base, options) => createApnsVendor({ ...base, ...(options as Partial<ApnsVendorOptions>) }),
});
