import { afterAll, describe, expect, it } from 'vitest';
import { parseSandboxConfig, sandboxOptionsFrom } from '../config.js';
import { loadSandboxVendors } from '../loadSandboxVendors.js';
import { startSandbox, type Sandbox } from '../startSandbox.js';
import { createPaymentIntent, waitForWebhooksIdle, webhookStatus } from './paylaneClient.js';
import { DEFAULT_WEBHOOK_SECRET } from './createPaymentsVendor.js';
import { startWebhookReceiver, type WebhookReceiver } from './startWebhookReceiver.js';

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
});

describe('Paylane in the sandbox', () => {
  it('starts from startSandbox with webhook options and delivers to the given URL', async () => {
    const receiver: WebhookReceiver = await startWebhookReceiver();
    opened.push(receiver);
    const sandbox: Sandbox = await startSandbox({ vendors: { payments: { webhookUrl: receiver.url, webhookRetryBaseMs: 20, webhookMaxAttempts: 2 } } });
    opened.push(sandbox);
    const payments = sandbox.vendor('payments');
    receiver.answerNext(500);
    await createPaymentIntent(payments.url, payments.apiKey, { amount: 500, currency: 'gbp' });
    const status = await waitForWebhooksIdle(payments.url);
    expect(status).toMatchObject({ url: receiver.url, delivered: 1 });
    expect(status.attempts.map((a) => a.status)).toEqual([500, 200]);
    expect(receiver.verifies(receiver.received[1]!, DEFAULT_WEBHOOK_SECRET)).toBe(true);
    sandbox.reset(); // faults and counters of the API; webhooks are left alone
    expect((await webhookStatus(payments.url)).delivered).toBe(1);
  });

  it('reads its settings from the environment, refusing a secret that is not whsec_ + base64', async () => {
    const modules = await loadSandboxVendors();
    const env = {
      SANDBOX_PAYMENTS_WEBHOOK_URL: 'http://127.0.0.1:4004/webhooks/payments',
      SANDBOX_PAYMENTS_WEBHOOK_RETRY_BASE_MS: '250',
      SANDBOX_PAYMENTS_WEBHOOK_MAX_ATTEMPTS: '3',
    };
    const options = sandboxOptionsFrom(parseSandboxConfig(env, modules), modules).vendors?.payments;
    expect(options).toMatchObject({ webhookUrl: env.SANDBOX_PAYMENTS_WEBHOOK_URL, webhookRetryBaseMs: 250, webhookMaxAttempts: 3 });
    expect(options?.webhookSecret).toBe(DEFAULT_WEBHOOK_SECRET);
    const defaults = sandboxOptionsFrom(parseSandboxConfig({}, modules), modules).vendors?.payments;
    expect(defaults).toMatchObject({ webhookUrl: null, webhookRetryBaseMs: 1000, webhookMaxAttempts: 8 });
    for (const secret of ['not-a-secret', 'whsec_', 'whsec_***']) {
      expect(() => parseSandboxConfig({ SANDBOX_PAYMENTS_WEBHOOK_SECRET: secret }, modules)).toThrow(/SANDBOX_PAYMENTS_WEBHOOK_SECRET/);
    }
    expect(() => parseSandboxConfig({ SANDBOX_PAYMENTS_WEBHOOK_MAX_ATTEMPTS: '0', SANDBOX_PAYMENTS_WEBHOOK_URL: 'nope' }, modules)).toThrow(
      /SANDBOX_PAYMENTS_WEBHOOK_MAX_ATTEMPTS[\s\S]*SANDBOX_PAYMENTS_WEBHOOK_URL|SANDBOX_PAYMENTS_WEBHOOK_URL[\s\S]*SANDBOX_PAYMENTS_WEBHOOK_MAX_ATTEMPTS/,
    );
  });
});
