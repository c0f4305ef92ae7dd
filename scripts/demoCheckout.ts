/**
 * `npm run demo:checkout [-- --card visa|declined|insufficient|3ds] [--no-sync] [--gateway <url>] [--payments <url>] [--apns <url>]`:
 * a phone paying for a cart against a running `npm start`, step by step, as an app with a
 * payment sheet does (C2S2C), while the payment vendor reports the outcome by webhook (C2S2S).
 *
 * It signs a fresh user up through the graph (`signUp`, passed through to the identity
 * provider), starts the checkout, pays at the vendor with only the client secret, syncs with
 * `confirmCheckout` (unless `--no-sync`: then only the webhook moves the order) and polls the
 * order until it ends. Exit 0 when the order ends where the card says it must (PAID, or
 * FAILED for a declined card), 1 otherwise, with what went wrong.
 *
 * Defaults follow npm start's ports (GATEWAY_PORT, SANDBOX_PAYMENTS_PORT), so the same
 * overrides work for both. It holds no server key and prints none: like the app, it only
 * ever has the user's access token and the checkout's client secret and ephemeral key.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { gatewayEntry, sandboxVendorEntry, sandboxVendorEnv } from '../platform/registry/services.js';
import { createSandboxPhone, type PhoneCheckout, type SandboxPhone } from '../test/app/sandboxPhone.js';
import { operation } from '../test/harness/operations.js';
import { listPaymentMethods, webhookStatus, type WebhookAttempt } from '../vendors/payments/paylaneClient.js';

/** The sandbox's test cards (Stripe's test payment method ids) and where each must leave the order. */
export const DEMO_CARDS = {
  visa: { paymentMethod: 'pm_card_visa', expected: 'PAID', shows: 'a card that pays' },
  declined: { paymentMethod: 'pm_card_chargeDeclined', expected: 'FAILED', shows: 'a declined card' },
  insufficient: { paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds', expected: 'FAILED', shows: 'a card without funds' },
  '3ds': { paymentMethod: 'pm_card_threeDSecureRequired', expected: 'PAID', shows: 'a card that asks for 3-D Secure (approved)' },
} as const;
export type DemoCard = keyof typeof DEMO_CARDS;

/** In stock and priced in one currency in the sandbox catalog (prod_0002 is in EUR, prod_0018 out of stock). */
const CART = [
  { productId: 'prod_0001', quantity: 2 },
  { productId: 'prod_0003', quantity: 1 },
] as const;

/** The app's own sign-up operation, as shipped (test/operations/SignUp.graphql). */
const SIGN_UP = operation('SignUp');

export interface DemoOptions {
  /** The gateway's GraphQL endpoint. */
  readonly gatewayUrl: string;
  /** The payment vendor sandbox (its public client API and `/__sandbox` controls). */
  readonly paymentsUrl: string;
  readonly card: DemoCard;
  /** false: the app never calls confirmCheckout, so only the vendor's webhook can move the order. */
  readonly sync: boolean;
  /** A user's access token; without one, a fresh user signs up through the graph. */
  readonly accessToken?: string;
  /**
   * The APNs sandbox: with it, the phone registers as an iPhone before paying and the demo shows
   * the push the order's outcome sent it (C2S2S's second half). Without it, no device is registered.
   */
  readonly apnsUrl?: string;
  /** How long to poll the order for its final status (ms); default 20 s (webhook retries start at 1 s). */
  readonly timeoutMs?: number;
  readonly print?: (line: string) => void;
}

export interface DemoResult {
  readonly orderId: string;
  readonly status: string;
  readonly paymentError: string | null;
}

/** A step that failed, said so that the person running the demo knows what to do. */
export class DemoError extends Error {
  override name = 'DemoError';
}

/** The connection error code behind a failed fetch (ECONNREFUSED, ENOTFOUND, …), if that is what it was. */
function connectionError(err: unknown): string | undefined {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** Runs one step; any failure becomes a DemoError naming the step (a refused connection means npm start is not running). */
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DemoError) throw err;
    const code = connectionError(err);
    if (code !== undefined) throw new DemoError(`${name}: connection failed (${code}). Is \`npm start\` still running?`);
    throw new DemoError(`${name} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Checks both ends answer before doing anything, so "not running" is said plainly rather than as a failed step. */
async function preflight(options: DemoOptions): Promise<void> {
  const reach = async (what: string, url: string, flag: string, init?: RequestInit): Promise<Response> => {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
    } catch (err) {
      const why = connectionError(err) ?? (err instanceof Error ? err.message : String(err));
      throw new DemoError(`Cannot reach ${what} at ${url} (${why}). Start the system with \`npm start\` in another terminal, or point the demo at it with ${flag} <url>.`);
    }
  };
  const gateway = await reach('the gateway', options.gatewayUrl, '--gateway', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  // Any GraphQL answer will do (a safelist gateway refuses this query, and says so in GraphQL's shape).
  const answer = (await gateway.json().catch(() => null)) as { data?: unknown; errors?: unknown } | null;
  if (answer === null || (answer.data === undefined && answer.errors === undefined)) {
    throw new DemoError(`${options.gatewayUrl} answered HTTP ${gateway.status}, not GraphQL: is it the gateway's GraphQL endpoint (…/graphql)?`);
  }
  // The demo pays with the sandbox's test cards and answers its 3-D Secure: a real vendor's page would not.
  const health = await reach('the payment vendor sandbox', `${options.paymentsUrl}/__sandbox/health`, '--payments');
  const body = (await health.json().catch(() => null)) as { vendor?: unknown } | null;
  if (health.status !== 200 || body?.vendor !== 'payments') {
    throw new DemoError(`${options.paymentsUrl} is not the payment vendor sandbox (GET /__sandbox/health answered HTTP ${health.status}).`);
  }
}

/** A new user through the graph, as the app's sign-up screen does; the identity provider issues the token. */
async function signUp(gatewayUrl: string, print: (line: string) => void): Promise<string> {
  const email = `demo.${randomBytes(6).toString('hex')}@example.com`;
  const res = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: SIGN_UP, variables: { input: { email, password: randomBytes(18).toString('base64url'), displayName: 'Checkout Demo' } } }),
  });
  const body = (await res.json()) as { data?: { signUp?: { accessToken: string; expiresIn: number; user: { id: string } } } | null; errors?: { message: string; extensions?: { code?: string } }[] };
  const payload = body.data?.signUp;
  if (!res.ok || payload === undefined) {
    throw new Error(`graph answered ${res.status}: ${(body.errors ?? []).map((e) => e.extensions?.code ?? e.message).join(', ')}`);
  }
  print(`signed up ${email} through the graph (signUp → identity provider): user ${payload.user.id}, access token valid ${payload.expiresIn} s`);
  return payload.accessToken;
}

/** What the app holds after startCheckout, shown without handing anyone a usable credential. */
function describeSheet(checkout: PhoneCheckout): string {
  const intentId = checkout.clientSecret.slice(0, checkout.clientSecret.indexOf('_secret_'));
  return `payment sheet: client secret of ${intentId} (pays this order only), customer ${checkout.customerId}, ephemeral key for that customer only`;
}

/**
 * The push the order's outcome sent to the iPhone, as the APNs sandbox received it, and the
 * in-app inbox. Best effort, like the webhook lines: the order's outcome is the demo's verdict.
 */
async function showPush(apnsUrl: string, token: string, phone: SandboxPhone, orderId: string, print: (line: string) => void): Promise<void> {
  type Received = { collapseId: string | null; payload: { aps?: { alert?: { title?: string; body?: string } } } };
  const deadline = Date.now() + 10_000;
  let received: Received[] = [];
  try {
    while (received.length === 0 && Date.now() < deadline) {
      const res = await fetch(`${apnsUrl}/__sandbox/notifications?token=${token}`, { signal: AbortSignal.timeout(2000) });
      received = ((await res.json()) as { notifications: Received[] }).notifications;
      if (received.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    print(`6. push: the APNs sandbox at ${apnsUrl} did not answer (${connectionError(err) ?? (err instanceof Error ? err.message : String(err))})`);
    return;
  }
  if (received.length === 0) {
    print('6. push: none reached the iPhone within 10 s (the notifications service retries while the push services fail)');
    return;
  }
  for (const push of received) {
    print(`6. push on the iPhone (APNs, collapse id ${push.collapseId}): "${push.payload.aps?.alert?.title}" · "${push.payload.aps?.alert?.body}"`);
  }
  const inbox = await phone.notifications(5).catch(() => []);
  print(`   myNotifications: ${inbox.filter((n) => n.orderId === orderId).length} about this order; the app reads the details through the graph`);
}

/** The vendor's webhook deliveries since `since`, best effort: a demo line, not a check. */
async function webhooksSince(paymentsUrl: string, since: number): Promise<{ url: string | null; attempts: WebhookAttempt[] } | null> {
  try {
    const status = await webhookStatus(paymentsUrl);
    return { url: status.url, attempts: status.attempts.filter((a) => a.at >= since) };
  } catch {
    return null;
  }
}

/** The whole C2S2C flow against running servers; throws a DemoError when a step fails or the order ends elsewhere. */
export async function runDemoCheckout(options: DemoOptions): Promise<DemoResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const card = DEMO_CARDS[options.card];
  const timeoutMs = options.timeoutMs ?? 20_000;
  await preflight(options);
  print(`gateway ${options.gatewayUrl} · payment vendor sandbox ${options.paymentsUrl} · ${card.shows} (${card.paymentMethod})${options.sync ? '' : ' · no sync'}`);

  const accessToken = options.accessToken ?? (await step('sign-up', () => signUp(options.gatewayUrl, print)));
  const phone: SandboxPhone = createSandboxPhone({ gatewayUrl: options.gatewayUrl, paymentsUrl: options.paymentsUrl, accessToken });
  const startedAt = Date.now();

  // 0. After sign-in the app hands the graph the token iOS gave it for pushes.
  const iphone = options.apnsUrl === undefined ? undefined : { platform: 'IOS' as const, token: randomBytes(32).toString('hex'), locale: 'en-US', appVersion: '3.4.0' };
  if (iphone !== undefined) {
    const device = await step('registerDevice', () => phone.registerDevice(iphone));
    print(`0. registerDevice: this iPhone (${device.id}) gets the user's pushes`);
  }

  // 1. The server prices the cart and makes the intent; the app sends items, never an amount.
  const checkout = await step('startCheckout', () => phone.startCheckout(CART));
  print(`1. startCheckout: order ${checkout.orderId}, total ${checkout.total.amount} ${checkout.total.currency} (priced by the server), PENDING_PAYMENT`);
  print(`   ${describeSheet(checkout)}`);

  // 2. The app's payment sheet talks to the vendor directly, with only what startCheckout minted.
  const saved = await step('saved cards', () => listPaymentMethods(options.paymentsUrl, checkout.customerId, checkout.customerEphemeralKey));
  print(`2. the sheet lists the customer's saved cards with the ephemeral key: ${saved.length}`);
  const paid = await step('payment at the vendor', () => phone.pay(checkout, card.paymentMethod));
  print(`3. paid at the vendor with the client secret only: ${card.paymentMethod} → ${paid}`);

  // 3. The sync: the server re-reads the intent with its own key; what the app says is not trusted.
  if (options.sync) {
    const synced = await step('confirmCheckout', () => phone.confirm(checkout.orderId));
    print(`4. confirmCheckout (the server asks the vendor itself): ${synced.status}${synced.paymentError ? ` (${synced.paymentError})` : ''}`);
  } else {
    print(`4. no confirmCheckout: waiting for the vendor's webhook to move the order (up to ${Math.round(timeoutMs / 1000)} s)`);
  }

  // 4. Whoever came first, the order only moves forward: poll until it reaches where the card leads.
  const status = await step('polling the order', () => phone.waitForStatus(checkout.orderId, (s) => s === card.expected, timeoutMs));
  const order = await step('reading the order', () => phone.order(checkout.orderId));
  const items = (order?.items ?? []) as { quantity: number; name: string; unitPrice: { amount: string; currency: string } }[];
  const lines = items.map((i) => `${i.quantity} × ${i.name} at ${i.unitPrice.amount}`).join(', ');
  print(`5. order ${checkout.orderId} as polled: ${status}${order?.paymentError ? ` (${order.paymentError})` : ''} · ${lines}`);

  const webhooks = await webhooksSince(options.paymentsUrl, startedAt);
  if (webhooks?.url === null) print('   the vendor has no webhook endpoint set: only the sync could move the order');
  else if (webhooks !== null) {
    for (const a of webhooks.attempts) print(`   webhook ${a.type} (${a.eventId}, attempt ${a.attempt}) → ${a.status}`);
  }

  if (status !== card.expected) {
    const why = options.sync
      ? 'the sync did not move it'
      : 'no webhook moved it in time; see `curl <payments>/__sandbox/webhooks`; the reconciler checks it after PAYMENTS_RECONCILE_AFTER_MS';
    throw new DemoError(`order ${checkout.orderId} is ${status}, expected ${card.expected}: ${why}`);
  }
  if (iphone !== undefined && options.apnsUrl !== undefined) await showPush(options.apnsUrl, iphone.token, phone, checkout.orderId, print);
  print(`done: ${card.expected === 'PAID' ? 'paid' : 'payment refused, order FAILED as it should be'}`);
  return { orderId: checkout.orderId, status, paymentError: order?.paymentError ?? null };
}

export type ParsedArgs = { ok: true; options: DemoOptions } | { ok: false; errors: string[]; help?: boolean };

const USAGE = 'usage: npm run demo:checkout -- [--card visa|declined|insufficient|3ds] [--no-sync] [--gateway <graphql url>] [--payments <vendor url>] [--apns <APNs sandbox url>]';

/** Flags over npm start's defaults; the ports follow the same variables npm start reads. */
export function parseDemoArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedArgs {
  const gatewayPort = env[gatewayEntry.portEnv] ?? String(gatewayEntry.port);
  const paymentsPort = env[sandboxVendorEnv('payments').port] ?? String(sandboxVendorEntry('payments').port);
  let gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  let paymentsUrl = `http://127.0.0.1:${paymentsPort}`;
  let apnsUrl = `http://127.0.0.1:${env[sandboxVendorEnv('apns').port] ?? String(sandboxVendorEntry('apns').port)}`;
  let card: DemoCard = 'visa';
  let sync = true;
  const errors: string[] = [];
  const url = (flag: string, value: string | undefined): string | undefined => {
    try {
      if (value !== undefined && /^https?:$/.test(new URL(value).protocol)) return value.replace(/\/+$/, '');
    } catch {
      // reported below
    }
    errors.push(`${flag} needs an http(s) URL, got ${JSON.stringify(value ?? '')}`);
    return undefined;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--help' || flag === '-h') return { ok: false, errors: [USAGE], help: true };
    else if (flag === '--no-sync') sync = false;
    else if (flag === '--gateway') gatewayUrl = url(flag, value()) ?? gatewayUrl;
    else if (flag === '--payments') paymentsUrl = url(flag, value()) ?? paymentsUrl;
    else if (flag === '--apns') apnsUrl = url(flag, value()) ?? apnsUrl;
    else if (flag === '--card') {
      const name = value();
      if (name !== undefined && Object.hasOwn(DEMO_CARDS, name)) card = name as DemoCard;
      else errors.push(`--card must be one of ${Object.keys(DEMO_CARDS).join(', ')}, got ${JSON.stringify(name ?? '')}`);
    } else errors.push(`unknown argument ${JSON.stringify(arg)}`);
  }
  if (errors.length > 0) return { ok: false, errors: [...errors, USAGE] };
  return { ok: true, options: { gatewayUrl, paymentsUrl, apnsUrl, card, sync } };
}

/** The command: 0 when the order ended as the card says, 1 otherwise (or on bad arguments). */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: { print: (line: string) => void; error: (line: string) => void } = { print: (l) => console.log(l), error: (l) => console.error(l) },
): Promise<number> {
  const parsed = parseDemoArgs(argv, env);
  if (!parsed.ok) {
    for (const line of parsed.errors) (parsed.help ? out.print : out.error)(parsed.help ? line : `demo:checkout: ${line}`);
    return parsed.help ? 0 : 1;
  }
  try {
    await runDemoCheckout({ ...parsed.options, print: out.print });
    return 0;
  } catch (err) {
    out.error(`demo:checkout: ${err instanceof DemoError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

// Only the entry reads argv and the environment; tests import the functions above.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(await main(process.argv.slice(2), process.env));
}
