import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIntent, refund, setWebhookEndpoint, waitForWebhooksIdle } from '../../vendors/payments/paylaneClient.js';
import { createSandboxPhone } from '../app/sandboxPhone.js';
import { startStack, type Stack } from '../harness/startStack.js';

/** USD products in stock (prod_0002 is priced in EUR, prod_0018 is out of stock). */
const CART = [
  { productId: 'prod_0001', quantity: 2 },
  { productId: 'prod_0003', quantity: 1 },
];

describe('checkout through the graph (C2S2C + C2S2S)', () => {
  let stack: Stack;
  let token: string;
  const phone = () => createSandboxPhone({ gatewayUrl: stack.gatewayUrl, paymentsUrl: stack.sandbox.vendor('payments').url, accessToken: token });

  beforeAll(async () => {
    stack = await startStack();
    token = await stack.sandbox.identity.oidc.signAccessToken({ sub: 'usr_0042' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('prices from the catalog, pays with the client secret only, syncs, and is PAID', async () => {
    const app = phone();
    const checkout = await app.startCheckout(CART);
    expect(checkout.total).toEqual({ amount: '265.97', currency: 'USD' });
    expect(checkout.clientSecret).toMatch(/^pi_[A-Za-z0-9]+_secret_/);
    expect(await app.pay(checkout, 'pm_card_visa')).toBe('succeeded');
    expect((await app.confirm(checkout.orderId)).status).toBe('PAID');
    const intent = await getIntent(stack.sandbox.vendor('payments').url, stack.sandbox.vendor('payments').apiKey, checkout.clientSecret.split('_secret_')[0]!);
    expect(intent.amount).toBe(26597);
  });

  it('webhook alone moves the order when the app never syncs', async () => {
    const app = phone();
    const checkout = await app.startCheckout(CART);
    expect(await app.pay(checkout, 'pm_card_visa')).toBe('succeeded');
    expect(await app.waitForStatus(checkout.orderId, (s) => s === 'PAID')).toBe('PAID');
  });

  it('a lying sync leaves a declined order unpaid', async () => {
    const app = phone();
    const checkout = await app.startCheckout(CART);
    expect(await app.pay(checkout, 'pm_card_chargeDeclined')).toBe('requires_payment_method');
    expect((await app.confirm(checkout.orderId)).status).toBe('FAILED');
  });
});
