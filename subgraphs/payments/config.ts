import { parseConfig, type ConfigOf } from '../../platform/config/parseConfig.js';
import { serviceSettings } from '../../platform/config/serviceSettings.js';
import { int, string, url, type Env } from '../../platform/config/setting.js';
import { databaseSettings } from '../../platform/db/databaseSettings.js';
import { eventSenderSettings } from '../../platform/events/eventSenderSettings.js';
import { signingSecretsSetting } from '../../platform/events/signingSecretsSetting.js';
import { metricsPortSetting } from '../../platform/metrics/metricsPortSetting.js';
import { sandboxDefaults, sandboxVendorEntry, subgraphEntry, subgraphReadsEnv } from '../../platform/registry/services.js';
import { vendorSettings } from '../kit/vendor/vendorSettings.js';

const prices = subgraphReadsEnv('payments', 'commerce');
const commerce = sandboxVendorEntry('commerce');

export const paymentsSettings = {
  ...serviceSettings('PAYMENTS', subgraphEntry('payments').port),
  ...vendorSettings('PAYMENTS', {
    ...sandboxDefaults('payments'),
    // No batch endpoint is used: one intent, one customer, one key per call.
    maxBatchSize: 1,
    // Payment state is never cached: the order's own row is the record.
    cacheTtlMs: 0,
  }),
  ...databaseSettings('PAYMENTS', { dataDir: '.data/payments', schema: 'payments' }),
  commerceUrl: url(prices.url, {
    default: `http://127.0.0.1:${commerce.port}`,
    description: 'Base URL of the commerce platform whose prices checkout charges (read-only: its product batch endpoint).',
  }),
  commerceKey: string(prices.key, { default: commerce.defaultKey, secret: true, description: 'API key for the commerce platform. Never logged.' }),
  webhookSecrets: signingSecretsSetting('PAYMENTS_WEBHOOK_SECRETS', {
    defaults: sandboxVendorEntry('payments').secrets ?? [],
    description: "Webhook signing secrets accepted, comma-separated (two during a rotation). From the payment vendor's dashboard.",
  }),
  webhookMaxBodyBytes: int('PAYMENTS_WEBHOOK_MAX_BODY_BYTES', {
    default: 65_536,
    min: 1024,
    max: 1_048_576,
    unit: 'bytes',
    description: 'Largest webhook body accepted; past it the delivery is refused with 413 and nothing is stored.',
  }),
  ...eventSenderSettings('payments'),
  inboxWorkers: int('PAYMENTS_INBOX_WORKERS', {
    default: 1,
    min: 0,
    max: 16,
    unit: 'workers',
    description: 'Inbox workers in this process (0: receive webhooks only, and run `subgraphs/payments/worker/main.ts` apart).',
  }),
  metricsPort: metricsPortSetting({
    defaultText: '(unset: the worker serves no metrics)',
    description:
      'Used by the worker process only (`subgraphs/<name>/worker/main.ts`): serve its /metrics (Prometheus) on a listener of this port. The service itself serves /metrics on its own port.',
  }),
  inboxPollMs: int('PAYMENTS_INBOX_POLL_MS', {
    default: 500,
    min: 500,
    max: 60_000,
    unit: 'ms',
    description: 'How often an idle inbox worker looks for new events.',
  }),
  inboxRetryAfterS: int('PAYMENTS_INBOX_RETRY_AFTER_S', {
    default: 30,
    min: 1,
    max: 3600,
    unit: 's',
    description: 'An event a worker took but never finished (the worker died) is taken again after this long.',
  }),
  reconcileAfterMs: int('PAYMENTS_RECONCILE_AFTER_MS', {
    default: 120_000,
    min: 1000,
    max: 86_400_000,
    unit: 'ms',
    description:
      'An order still awaiting payment this long after its last change is checked with the payment vendor (a lost webhook and an app that never synced still end right).',
  }),
};

export type PaymentsConfig = ConfigOf<typeof paymentsSettings>;

export function parsePaymentsConfig(env: Env): PaymentsConfig {
  return parseConfig('payments', paymentsSettings, env);
}
