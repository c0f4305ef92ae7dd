import { defineSandboxVendor } from '../sandbox/SandboxVendorModule.js';
import { createApnsVendor, type ApnsVendorOptions } from './createApnsVendor.js';
import { apnsKeyFileSetting, apnsTeamIdSetting, apnsTopicsSetting } from './providerKeySettings.js';

/**
 * Orchard, the APNs-shaped push vendor behind the notifications service, over HTTP/2. Its
 * API key is the key id of the provider key it trusts (the committed fixture, see
 * apnsKeyFixture.ts), or the one SANDBOX_APNS_KEY_FILE names (with SANDBOX_APNS_TEAM_ID and
 * SANDBOX_APNS_TOPICS), so that it trusts what a deployment's notifications signs with. Options
 * beyond the base: `teamId`, `topics`, `publicKeyPem`, `extraKeys`, `defaultFaults`, `seed`,
 * `clock` (see createApnsVendor).
 */
export const sandboxVendor = defineSandboxVendor({
  name: 'apns',
  settings: {
    publicKeyPem: apnsKeyFileSetting(),
    teamId: apnsTeamIdSetting(),
    topics: apnsTopicsSetting(),
  },
  optionsFrom: (config) => ({
    ...(config.publicKeyPem === undefined ? {} : { publicKeyPem: config.publicKeyPem }),
    teamId: config.teamId,
    topics: String(config.topics)
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  }),
  start: (base, options) => createApnsVendor({ ...base, ...(options as Partial<ApnsVendorOptions>) }),
});
