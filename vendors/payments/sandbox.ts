import { int, optionalUrl, string } from '../../platform/config/setting.js';
import { defineSandboxVendor } from '../sandbox/SandboxVendorModule.js';
import { createPaymentsVendor, DEFAULT_WEBHOOK_SECRET, WEBHOOK_DEFAULTS, type PaymentsVendorOptions } from './createPaymentsVendor.js';
import { WEBHOOK_SECRET_FORMAT } from './webhooks/WebhookSecrets.js';

/**
 * Paylane, behind the payments subgraph, sending signed webhooks. Options beyond the settings:
 * `webhookTimeoutMs`, `webhookSeed`, `ephemeralKeyLifetimeS`, `clock` (see createPaymentsVendor).
 */
export const sandboxVendor = defineSandboxVendor({
  name: 'payments',
  settings: {
    webhookUrl: optionalUrl('SANDBOX_PAYMENTS_WEBHOOK_URL', {
      description: 'Where the payments sandbox vendor delivers its webhooks (the payments subgraph\'s webhook endpoint); unset = nowhere until set through PUT /__sandbox/webhooks/endpoint.',
    }),
    webhookSecret: string('SANDBOX_PAYMENTS_WEBHOOK_SECRET', {
      default: DEFAULT_WEBHOOK_SECRET,
      secret: true,
      pattern: WEBHOOK_SECRET_FORMAT,
      patternText: 'whsec_ followed by base64',
      description: 'Signing secret of the payments sandbox vendor\'s webhooks (Standard Webhooks); the payments subgraph must verify with the same.',
    }),
    webhookRetryBaseMs: int('SANDBOX_PAYMENTS_WEBHOOK_RETRY_BASE_MS', {
      default: WEBHOOK_DEFAULTS.retryBaseMs,
      min: 1,
      max: 600_000,
      unit: 'ms',
      description: 'First retry delay of a failed webhook delivery of the payments sandbox vendor; doubles per attempt, capped at 60 s, with jitter.',
    }),
    webhookMaxAttempts: int('SANDBOX_PAYMENTS_WEBHOOK_MAX_ATTEMPTS', {
      default: WEBHOOK_DEFAULTS.maxAttempts,
      min: 1,
      max: 100,
      description: 'Attempts per webhook delivery of the payments sandbox vendor before it is marked failed.',
    }),
  },
  optionsFrom: (config) => ({
    webhookUrl: config.webhookUrl ?? null,
    webhookSecret: config.webhookSecret,
    webhookRetryBaseMs: config.webhookRetryBaseMs,
    webhookMaxAttempts: config.webhookMaxAttempts,
  }),
  start: (base, options) => createPaymentsVendor({ ...base, ...(options as Partial<PaymentsVendorOptions>) }),
});
