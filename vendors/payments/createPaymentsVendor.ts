import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { createVendorServer } from '../sandbox/createVendorServer.js';
import type { RunningVendor } from '../sandbox/types.js';
import { EventLog } from './EventLog.js';
import { PaylaneStore } from './PaylaneStore.js';
import { paymentsRoutes } from './routes.js';
import { webhookControlRoutes, webhookUrl } from './webhooks/webhookControlRoutes.js';
import { WebhookDispatcher } from './webhooks/WebhookDispatcher.js';

export interface PaymentsVendorOptions {
  /** The server key (`authorization: Bearer …`). */
  apiKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Baseline latency (ms) this vendor starts with and returns to on reset; default 0. */
  latencyMs?: number;
  /** Where webhooks go; default none (set it later with PUT /__sandbox/webhooks/endpoint). */
  webhookUrl?: string | null;
  /** The first signing secret, `whsec_` + base64; default the registry's. */
  webhookSecret?: string;
  /** First retry delay (ms), doubling per attempt up to 60 s, with jitter; default 1000. */
  webhookRetryBaseMs?: number;
  /** Attempts per delivery before it is marked failed; default 8. */
  webhookMaxAttempts?: number;
  /** Time an attempt may take (ms); default 5000. */
  webhookTimeoutMs?: number;
  /** Seed of the webhook faults' and jitter's PRNG; default fixed, so runs are reproducible. */
  webhookSeed?: number;
  /** Lifetime of ephemeral keys (s); default 3600. */
  ephemeralKeyLifetimeS?: number;
  /** Tests: Paylane's clock (epoch ms) for `created` times and ephemeral key expiry; default Date.now. */
  clock?: () => number;
}

/** The webhook side of Paylane, for tests in the same process (the same as `/__sandbox/webhooks…`). */
export type PaymentsWebhookControl = Omit<WebhookDispatcher, 'enqueue' | 'resend' | 'close'>;

export interface RunningPaymentsVendor extends RunningVendor {
  readonly webhooks: PaymentsWebhookControl;
}

/** From the registry, where the leak scanner finds it too. */
export const PAYMENTS_BRAND = sandboxVendorEntry('payments').brand;
export const DEFAULT_WEBHOOK_SECRET = sandboxVendorEntry('payments').secrets?.[0] as string;
export const WEBHOOK_DEFAULTS = Object.freeze({ retryBaseMs: 1000, maxAttempts: 8, timeoutMs: 5000, ephemeralKeyLifetimeS: 3600 });

const positiveInt = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`payments: ${name} must be a positive integer, got ${value}`);
  return value;
};

/**
 * "Paylane", the payment vendor behind the payments subgraph, shaped like Stripe's
 * PaymentIntents: a server API (Bearer server key), client routes for the phone's payment
 * sheet (client secret, ephemeral key), and signed webhooks with Stripe's retry semantics.
 */
export async function createPaymentsVendor(options: PaymentsVendorOptions): Promise<RunningPaymentsVendor> {
  const now = options.clock ?? Date.now;
  const webhooks = new WebhookDispatcher({
    url: options.webhookUrl === undefined ? null : webhookUrl(options.webhookUrl),
    secret: options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET,
    retryBaseMs: positiveInt('webhookRetryBaseMs', options.webhookRetryBaseMs ?? WEBHOOK_DEFAULTS.retryBaseMs),
    maxAttempts: positiveInt('webhookMaxAttempts', options.webhookMaxAttempts ?? WEBHOOK_DEFAULTS.maxAttempts),
    attemptTimeoutMs: positiveInt('webhookTimeoutMs', options.webhookTimeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs),
    seed: options.webhookSeed ?? 0x9a71a4e,
  });
  const events = new EventLog(now, (event) => webhooks.enqueue(event));
  const store = new PaylaneStore(now, events, positiveInt('ephemeralKeyLifetimeS', options.ephemeralKeyLifetimeS ?? WEBHOOK_DEFAULTS.ephemeralKeyLifetimeS));
  const vendor = await createVendorServer(
    {
      name: 'payments',
      brand: PAYMENTS_BRAND,
      internalHost: 'paylane-api.internal',
      auth: { kind: 'bearer' },
      routes: paymentsRoutes(store, events),
      controlRoutes: webhookControlRoutes(webhooks, events),
    },
    { apiKey: options.apiKey, host: options.host, port: options.port, defaultFaults: { latencyMs: options.latencyMs ?? 0 }, seed: 0xdf384a },
  );
  return {
    ...vendor,
    webhooks,
    close() {
      webhooks.close();
      return vendor.close();
    },
  };
}
