import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../test/harness/startStack.js';
import { main, parseDemoArgs, runDemoCheckout } from './demoCheckout.js';

/** A port nothing listens on right now: where "npm start is not running" is tested. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { print: (l: string) => out.push(l), error: (l: string) => err.push(l) } };
}

describe('npm run demo:checkout', () => {
  let stack: Stack;
  let paymentsUrl: string;

  beforeAll(async () => {
    stack = await startStack();
    paymentsUrl = stack.sandbox.vendor('payments').url;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('signs a new user up through the graph, pays with the client secret, syncs, exits 0 with the order PAID; prints no server key', async () => {
    const { out, err, io } = capture();
    const code = await main(['--gateway', stack.gatewayUrl, '--payments', paymentsUrl, '--apns', stack.sandbox.vendor('apns').url], {}, io);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/signed up demo\.[0-9a-f]+@example\.com through the graph/);
    expect(text).toMatch(/startCheckout: order ord_[a-z0-9]{20}, total 265\.97 USD/);
    expect(text).toContain('paid at the vendor with the client secret only: pm_card_visa → succeeded');
    expect(text).toMatch(/confirmCheckout \(the server asks the vendor itself\): PAID/);
    expect(text).toMatch(/order ord_[a-z0-9]{20} as polled: PAID · 2 × .+ at \d+\.\d\d, 1 × .+ at \d+\.\d\d/);
    // The iPhone it registered got the order's push through the APNs sandbox, and its inbox has it.
    expect(text).toMatch(/0\. registerDevice: this iPhone \(dev_[0-9a-f]+\)/);
    expect(text).toMatch(/6\. push on the iPhone \(APNs, collapse id order-ord_[a-z0-9]{20}\): "[^"]+" · "[^"]+"/);
    expect(text).toContain('myNotifications: 1 about this order');
    // The app's view: never our server key, nor the credentials themselves.
    expect(text).not.toContain(stack.sandbox.vendor('payments').apiKey);
    expect(text).not.toMatch(/_secret_|ek_test_|eyJ/);
  });

  it('--no-sync: the webhook alone moves the order (3-D Secure card, a token from the identity sandbox)', async () => {
    const accessToken = await stack.sandbox.identity.oidc.signAccessToken({ sub: 'usr_0042' });
    const lines: string[] = [];
    const result = await runDemoCheckout({ gatewayUrl: stack.gatewayUrl, paymentsUrl, card: '3ds', sync: false, accessToken, print: (l) => lines.push(l) });
    expect(result.status).toBe('PAID');
    expect(lines.join('\n')).not.toContain('confirmCheckout (');
    expect(lines.join('\n')).toMatch(/webhook payment_intent\.succeeded \(evt_\w+, attempt 1\) → 200/);
  });

  it('a declined card ends FAILED with its reason, which is what the demo expects of it', async () => {
    const accessToken = await stack.sandbox.identity.oidc.signAccessToken({ sub: 'usr_0043' });
    const result = await runDemoCheckout({ gatewayUrl: stack.gatewayUrl, paymentsUrl, card: 'insufficient', sync: true, accessToken, print: () => undefined });
    expect(result).toMatchObject({ status: 'FAILED', paymentError: 'INSUFFICIENT_FUNDS' });
  });

  it('exits 1 and says to run npm start when nothing listens', async () => {
    const { err, io } = capture();
    const port = await closedPort();
    expect(await main(['--gateway', `http://127.0.0.1:${port}/graphql`, '--payments', paymentsUrl], {}, io)).toBe(1);
    expect(err.join('\n')).toMatch(/Cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+\/graphql \(ECONNREFUSED\)\. Start the system with `npm start`/);
    const vendor = capture();
    expect(await main(['--gateway', stack.gatewayUrl, '--payments', `http://127.0.0.1:${port}`], {}, vendor.io)).toBe(1);
    expect(vendor.err.join('\n')).toMatch(/Cannot reach the payment vendor sandbox/);
  });
});

describe('demo:checkout arguments', () => {
  it('defaults to npm start\'s ports, which follow GATEWAY_PORT, SANDBOX_PAYMENTS_PORT and SANDBOX_APNS_PORT', () => {
    expect(parseDemoArgs([], {})).toEqual({
      ok: true,
      options: { gatewayUrl: 'http://127.0.0.1:4000/graphql', paymentsUrl: 'http://127.0.0.1:4104', apnsUrl: 'http://127.0.0.1:4106', card: 'visa', sync: true },
    });
    const moved = parseDemoArgs(['--card=declined', '--no-sync'], { GATEWAY_PORT: '5000', SANDBOX_PAYMENTS_PORT: '5104', SANDBOX_APNS_PORT: '5106' });
    expect(moved).toEqual({
      ok: true,
      options: { gatewayUrl: 'http://127.0.0.1:5000/graphql', paymentsUrl: 'http://127.0.0.1:5104', apnsUrl: 'http://127.0.0.1:5106', card: 'declined', sync: false },
    });
  });

  it('refuses unknown cards, flags and URLs, listing every problem', () => {
    const parsed = parseDemoArgs(['--card', 'amex', '--gateway', 'ftp://x', '--verbose'], {});
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.slice(0, 3)).toEqual([
      '--card must be one of visa, declined, insufficient, 3ds, got "amex"',
      '--gateway needs an http(s) URL, got "ftp://x"',
      'unknown argument "--verbose"',
    ]);
  });
});
