import { int } from '../../platform/config/setting.js';
import { defineSandboxVendor } from '../sandbox/SandboxVendorModule.js';
import { createFcmVendor, DEFAULT_TOKEN_TTL_S, type FcmVendorOptions } from './createFcmVendor.js';
import { serviceAccountFileSetting } from './serviceAccountFileSetting.js';

/**
 * Firecast (FCM HTTP v1), behind the notifications service. Options beyond the settings:
 * `serviceAccount` (SANDBOX_FCM_SERVICE_ACCOUNT_FILE's, trusted instead of the fixture), `tokenUri` (another accepted assertion audience) and `clock` (see createFcmVendor).
 */
export const sandboxVendor = defineSandboxVendor({
  name: 'fcm',
  settings: {
    tokenTtlS: int('SANDBOX_FCM_TOKEN_TTL_S', {
      default: DEFAULT_TOKEN_TTL_S,
      min: 1,
      max: 3600,
      unit: 's',
      description: 'Lifetime of the OAuth 2 access tokens the fcm sandbox vendor issues for its service account (Google: 3600).',
    }),
    serviceAccount: serviceAccountFileSetting(),
  },
  optionsFrom: (config) => ({ tokenTtlS: config.tokenTtlS, ...(config.serviceAccount === undefined ? {} : { serviceAccount: config.serviceAccount }) }),
  start: (base, options) => createFcmVendor({ ...base, ...(options as Partial<FcmVendorOptions>) }),
});
