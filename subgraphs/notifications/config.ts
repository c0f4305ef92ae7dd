import { parseConfig, type ConfigOf } from '../../platform/config/parseConfig.js';
import { serviceSettings } from '../../platform/config/serviceSettings.js';
import { int, string, type Env } from '../../platform/config/setting.js';
import { databaseSettings } from '../../platform/db/databaseSettings.js';
import { signingSecretsSetting } from '../../platform/events/signingSecretsSetting.js';
import { metricsPortSetting } from '../../platform/metrics/metricsPortSetting.js';
import { SANDBOX_EVENTS_SECRET, sandboxDefaults, subgraphEntry, subgraphEnv, subgraphEventsEnv } from '../../platform/registry/services.js';
import { vendorSettings } from '../kit/vendor/vendorSettings.js';
import { pushSettings } from './push/pushSettings.js';

export const notificationsSettings = {
  ...serviceSettings('NOTIFICATIONS', subgraphEntry('notifications').port),
  ...vendorSettings('NOTIFICATIONS', {
    ...sandboxDefaults('notifications'),
    // One push, one device: the push services have no batch endpoint we use.
    maxBatchSize: 1,
    // Nothing a push service answers is worth caching.
    cacheTtlMs: 0,
  }),
  // The registry wires every subgraph's VENDOR_KEY; FCM's credential is the service account instead.
  vendorKey: string(subgraphEnv('notifications').vendorKey, {
    default: sandboxDefaults('notifications').apiKey,
    secret: true,
    description: 'Not used to call FCM, which authenticates with the service account (NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE); set by the wiring as for every subgraph.',
  }),
  ...databaseSettings('NOTIFICATIONS', { dataDir: '.data/notifications', schema: 'notifications' }),
  ...pushSettings,
  eventsSecrets: signingSecretsSetting(subgraphEventsEnv('notifications').secrets, {
    defaults: [SANDBOX_EVENTS_SECRET],
    description: 'Secrets the events of other services (payments, reviews) are signed with, comma-separated (two during a rotation): each producer\'s <NAME>_EVENTS_SECRET.',
  }),
  eventsMaxBodyBytes: int('NOTIFICATIONS_EVENTS_MAX_BODY_BYTES', {
    default: 16_384,
    min: 1024,
    max: 1_048_576,
    unit: 'bytes',
    description: 'Largest event body accepted on the events route (events carry ids only); past it the delivery is refused with 413 and nothing is stored.',
  }),
  workers: int('NOTIFICATIONS_WORKERS', {
    default: 1,
    min: 0,
    max: 16,
    unit: 'workers',
    description: 'Event workers (which send the pushes) in this process (0: receive events only, and run `subgraphs/notifications/worker/main.ts` apart).',
  }),
  metricsPort: metricsPortSetting({
    defaultText: '(unset: the worker serves no metrics)',
    description:
      'Used by the worker process only (`subgraphs/<name>/worker/main.ts`): serve its /metrics (Prometheus) on a listener of this port. The service itself serves /metrics on its own port.',
  }),
  pollMs: int('NOTIFICATIONS_POLL_MS', {
    default: 500,
    min: 500,
    max: 60_000,
    unit: 'ms',
    description: 'How often an idle event worker looks for new events.',
  }),
  retryAfterS: int('NOTIFICATIONS_RETRY_AFTER_S', {
    default: 30,
    min: 1,
    max: 3600,
    unit: 's',
    description: 'An event a worker took but never finished (the worker died) is taken again after this long.',
  }),
  sendAttempts: int('NOTIFICATIONS_SEND_ATTEMPTS', {
    default: 8,
    min: 1,
    max: 50,
    unit: 'attempts',
    description: 'Sends tried per event and device while the push service answers "try later" (429, UNAVAILABLE, 5xx, timeout); then that push is given up and logged as an error.',
  }),
  maxDevicesPerUser: int('NOTIFICATIONS_MAX_DEVICES_PER_USER', {
    default: 10,
    min: 1,
    max: 100,
    unit: 'devices',
    description: 'Devices one user may have registered; registering one more drops the one seen least recently.',
  }),
};

export type NotificationsConfig = ConfigOf<typeof notificationsSettings>;

export function parseNotificationsConfig(env: Env): NotificationsConfig {
  return parseConfig('notifications', notificationsSettings, env);
}
