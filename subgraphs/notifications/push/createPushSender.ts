import type { Registry } from 'prom-client';
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { NodeEnv } from '../../../platform/config/serviceSettings.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import { toVendorClientOptions, type VendorConfig } from '../../kit/vendor/vendorSettings.js';
import { createApnsProviderTokens } from './createApnsProviderTokens.js';
import { createApnsSender } from './createApnsSender.js';
import { createFcmSender } from './createFcmSender.js';
import { loadApnsKey } from './loadApnsKey.js';
import { loadServiceAccount, type ServiceAccount } from './loadServiceAccount.js';
import type { PushChannel } from './PushChannel.js';
import { PushCredentialsError } from './PushCredentialsError.js';
import type { PushSender } from './PushSender.js';
import { SANDBOX_FCM_PRIVATE_KEY_ID, SANDBOX_KEY_FINGERPRINTS, type PushConfig } from './pushSettings.js';

/**
 * The notifications config has both: the kit's vendor settings (FCM's API, breaker, retry) and the
 * push settings; and its `nodeEnv` (production refuses the sandbox's keys; absent: development).
 */
export type PushSenderConfig = PushConfig & VendorConfig & { readonly nodeEnv?: NodeEnv };

export interface PushSenderOptions {
  /** The service's registry: every FCM, token and APNs call is counted there (`vendor_*`). None: not counted. */
  readonly metrics?: Registry;
  /** Test seam: the clock of token lifetimes, provider-token age and TTLs. Default `Date.now`. */
  readonly now?: () => number;
}

/** APNs wants few connections, each carrying many streams; more buy nothing but token-refresh bookkeeping. */
const APNS_MAX_CONNECTIONS = 4;

/**
 * The push sender: Android devices through FCM, iOS devices through APNs, each with its own kit
 * vendor client (its own deadline, breakers per operation, retry budget and rate-limit gate, so
 * one service's outage never slows the other). Both use the breaker and retry settings of
 * `NOTIFICATIONS_*`; FCM's deadline is NOTIFICATIONS_VENDOR_DEADLINE_MS, APNs' its own.
 * Reads and checks both credential files now, so a missing or malformed one stops the start-up
 * with a `PushCredentialsError` rather than failing every push; so does, with NODE_ENV=production,
 * a file holding the sandbox's committed keys (the config already refused their paths and ids).
 */
export function createPushSender(config: PushSenderConfig, logger: Logger, options: PushSenderOptions = {}): PushSender {
  const account = loadServiceAccount(config.fcmServiceAccountFile);
  const apnsKey = loadApnsKey(config.apnsKeyFile);
  if (config.nodeEnv === 'production') refuseSandboxKeys(config, account, apnsKey);
  const { now, metrics } = options;
  // FCM authenticates with the service account, not a key: the vendor key setting is not sent.
  const { auth: _fcmAuth, name: _fcmName, ...fcmClient } = toVendorClientOptions('fcm', config, logger, () => ({ kind: 'none' }), metrics);
  const { auth: _apnsAuth, name: _apnsName, ...apnsClient } = toVendorClientOptions(
    'apns',
    { ...config, vendorUrl: config.apnsUrl, deadlineMs: config.apnsDeadlineMs, connections: Math.min(config.connections, APNS_MAX_CONNECTIONS) },
    logger,
    () => ({ kind: 'none' }),
    metrics,
  );
  const fcm = createFcmSender({ account, tokenUrl: config.fcmTokenUrl === '' ? `${config.vendorUrl}/token` : config.fcmTokenUrl, client: fcmClient, ...(now ? { now } : {}) });
  const apns = createApnsSender({
    topic: config.apnsTopic,
    tokens: createApnsProviderTokens({ key: apnsKey, keyId: config.apnsKeyId, teamId: config.apnsTeamId, ...(now ? { now } : {}) }),
    client: apnsClient,
  });
  const channels: Record<'ANDROID' | 'IOS', PushChannel> = { ANDROID: fcm, IOS: apns };
  let closing: Promise<void> | undefined;

  return {
    send(device, message, call) {
      return channels[device.platform].send(device.token, message, call);
    },
    close() {
      closing ??= Promise.all([fcm.close(), apns.close()]).then(() => undefined);
      return closing;
    },
  };
}

/** Which key pair, by its public half: the same under any file name, key id or PEM layout. */
function fingerprint(privateKey: KeyObject): string {
  return createHash('sha256').update(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })).digest('base64url');
}

/**
 * The sandbox's keys are in this repository: a production deployment that mounted a copy of a
 * fixture (or a service account still carrying the sandbox's key id) would start healthy and
 * sign with public keys. The message names the setting and the path, never the file's content.
 */
function refuseSandboxKeys(config: PushSenderConfig, account: ServiceAccount, apnsKey: KeyObject): void {
  const refused = 'refused when NODE_ENV=production: point it at your own';
  if (account.privateKeyId === SANDBOX_FCM_PRIVATE_KEY_ID || SANDBOX_KEY_FINGERPRINTS.includes(fingerprint(account.privateKey))) {
    throw new PushCredentialsError('NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE', config.fcmServiceAccountFile, `the sandbox's service account (its key is committed in this repository), ${refused} FCM project's key file`);
  }
  if (SANDBOX_KEY_FINGERPRINTS.includes(fingerprint(apnsKey))) {
    throw new PushCredentialsError('NOTIFICATIONS_APNS_KEY_FILE', config.apnsKeyFile, `the sandbox's APNs auth key (committed in this repository), ${refused} .p8 from Apple`);
  }
}
