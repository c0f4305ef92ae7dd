import { resolve } from 'node:path';
import type { ConfigOf } from '../../../platform/config/parseConfig.js';
import { int, string, url, type Env, type ParseResult, type Setting } from '../../../platform/config/setting.js';
import { sandboxVendorEntry, subgraphReadsEnv } from '../../../platform/registry/services.js';

const apnsEnv = subgraphReadsEnv('notifications', 'apns');
const apns = sandboxVendorEntry('apns');

/**
 * Where the sandbox's committed credentials are. Relative paths in these settings are read
 * from the working directory, which is the project root for every npm script, docker image and
 * test run; production sets absolute paths (a mounted secret volume).
 */
export const SANDBOX_FCM_SERVICE_ACCOUNT_FILE = 'vendors/fcm/sandbox-service-account.json';
export const SANDBOX_APNS_KEY_FILE = `vendors/apns/fixtures/AuthKey_${apns.defaultKey}.p8`;
/** The sandbox's key ids and team: public, like the fixtures, so refused in production. */
export const SANDBOX_FCM_PRIVATE_KEY_ID = sandboxVendorEntry('fcm').defaultKey;
export const SANDBOX_APNS_KEY_ID = apns.defaultKey;
export const SANDBOX_APNS_TEAM_ID = 'SANDBOXT3M';
/**
 * SHA-256 (base64url) of the SPKI DER of the fixtures' public halves, so that `createPushSender`
 * knows the sandbox's keys under any path or key id (a copied fixture) without reading the
 * fixtures in production. Pinned to the committed files by pushCredentials.test.ts.
 */
export const SANDBOX_KEY_FINGERPRINTS: readonly string[] = Object.freeze([
  'lyklKXcqjLKNChHt0Ti884OmuK9eSpP2LEigt1CTtB0', // SANDBOX_FCM_SERVICE_ACCOUNT_FILE's private_key
  'e3yiCKeVDRUnWmO2rY9XgY26ER0szVOaSKc33QgfDZw', // SANDBOX_APNS_KEY_FILE
]);

const isProduction = (env: Env | undefined) => env?.NODE_ENV?.trim() === 'production';
const samePath = (a: string, b: string) => resolve(a) === resolve(b);

/**
 * A push credential whose default is the sandbox's committed one. Outside production the
 * sandbox's value is the default; with NODE_ENV=production the variable is required and the
 * sandbox's value refused, as the events secrets are (`signingSecretSetting`): the sandbox's
 * keys are in this repository, and a deployment that forgot them must not start healthy with
 * them. `parseConfig` reports it with every other problem; a secret's value is never echoed.
 */
function sandboxCredential(inner: Setting<string>, opts: { readonly isSandbox: (value: string) => boolean; readonly expected: string }): Setting<string> {
  // A secret's default stays hidden, as `string` hides it.
  const required = '(sandbox value; required when NODE_ENV=production)';
  return {
    ...inner,
    defaultText: inner.secret ? required : `${inner.defaultText} ${required}`,
    parse(raw, all): ParseResult<string> {
      const production = isProduction(all);
      if (production && (raw === undefined || raw.trim() === '')) return { ok: false, expected: `${opts.expected} (required when NODE_ENV=production)` };
      const parsed = inner.parse(raw, all);
      if (production && parsed.ok && opts.isSandbox(parsed.value)) return { ok: false, expected: `${opts.expected}, not the sandbox's (committed, public) one, when NODE_ENV=production` };
      return parsed;
    },
  };
}

/** An empty token URL means "the FCM vendor's own `/token`": the sandbox serves both on one port, Google on two hosts. */
function fcmTokenUrl(): Setting<string> {
  const inner = url('NOTIFICATIONS_FCM_TOKEN_URL', { default: '', description: '' });
  return {
    ...inner,
    defaultText: '<NOTIFICATIONS_VENDOR_URL>/token',
    description:
      "OAuth 2.0 token endpoint where the service account's signed assertion is exchanged for an FCM access token (the real one: https://oauth2.googleapis.com/token). Empty: the FCM vendor's own /token (the sandbox).",
  };
}

/**
 * The push layer's own settings, spread into the notifications config beside the kit's
 * `vendorSettings('NOTIFICATIONS', …)`, which give the FCM API's base URL (`NOTIFICATIONS_VENDOR_URL`)
 * and the deadline, breaker and retry settings both push services use. Only paths are read
 * here: the files themselves are read (and checked) by `createPushSender`, not at import.
 */
export const pushSettings = {
  fcmTokenUrl: fcmTokenUrl(),
  fcmServiceAccountFile: sandboxCredential(
    string('NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE', {
      default: SANDBOX_FCM_SERVICE_ACCOUNT_FILE,
      description:
        "Path of the Google service-account key file (JSON, as the Cloud console downloads it) the FCM sends authenticate with; its project_id names the FCM project. Relative to the working directory (the project root). The default is the sandbox's committed fixture, refused (as is any file with the sandbox's key) when NODE_ENV=production.",
    }),
    {
      isSandbox: (path) => samePath(path, SANDBOX_FCM_SERVICE_ACCOUNT_FILE),
      expected: "the path of your FCM project's service-account key file",
    },
  ),
  apnsUrl: url(apnsEnv.url, {
    default: `http://127.0.0.1:${apns.port}`,
    description:
      'Base URL of the APNs API, spoken over HTTP/2 (the sandbox: h2c; Apple: https://api.sandbox.push.apple.com or https://api.push.apple.com).',
  }),
  apnsKeyId: sandboxCredential(
    string(apnsEnv.key, {
      default: SANDBOX_APNS_KEY_ID,
      secret: true,
      description: "Key id of the APNs auth key (the `kid` of provider tokens; Apple's 10-character id). Never logged.",
    }),
    { isSandbox: (keyId) => keyId === SANDBOX_APNS_KEY_ID, expected: 'the key id of your APNs auth key' },
  ),
  apnsKeyFile: sandboxCredential(
    string('NOTIFICATIONS_APNS_KEY_FILE', {
      default: SANDBOX_APNS_KEY_FILE,
      description:
        "Path of the APNs auth key (.p8, ES256 PKCS#8 PEM, as Apple hands it out) provider tokens are signed with. Relative to the working directory (the project root). The default is the sandbox's committed fixture, refused (as is any file with the sandbox's key) when NODE_ENV=production.",
    }),
    { isSandbox: (path) => samePath(path, SANDBOX_APNS_KEY_FILE), expected: 'the path of your APNs auth key (.p8)' },
  ),
  apnsTeamId: sandboxCredential(
    string('NOTIFICATIONS_APNS_TEAM_ID', {
      default: SANDBOX_APNS_TEAM_ID,
      pattern: /^[A-Z0-9]{10}$/,
      patternText: 'an Apple team id (10 capital letters or digits)',
      description: 'Apple developer team id: the `iss` of provider tokens.',
    }),
    { isSandbox: (team) => team === SANDBOX_APNS_TEAM_ID, expected: 'your Apple team id (10 capital letters or digits)' },
  ),
  apnsTopic: string('NOTIFICATIONS_APNS_TOPIC', {
    default: 'com.example.mobilegraph',
    pattern: /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/,
    patternText: "the app's bundle id (reverse DNS, e.g. com.example.app)",
    description: "The app's bundle id, sent as apns-topic on every alert push.",
  }),
  apnsDeadlineMs: int('NOTIFICATIONS_APNS_DEADLINE_MS', {
    default: 5000,
    min: 1,
    max: 60_000,
    unit: 'ms',
    description:
      'Budget of one APNs send, retries included. Sends run in the background, not in a phone request, so this is longer than an API read; the FCM sends use NOTIFICATIONS_VENDOR_DEADLINE_MS.',
  }),
};

export type PushSettings = typeof pushSettings;
export type PushConfig = ConfigOf<PushSettings>;
