import { randomUUID } from 'node:crypto';
import { authenticatePayment, confirmPayment, type PaymentMethodInput } from '../../vendors/payments/paylaneClient.js';
import { operation } from '../harness/operations.js';

/** What the phone sends to the graph: GraphQL over HTTP with the user's bearer token. */
export interface PhoneOptions {
  /** The gateway's GraphQL endpoint. */
  readonly gatewayUrl: string;
  /** The payment vendor's public API, as its SDK in the app knows it (the app never has our server key). */
  readonly paymentsUrl: string;
  readonly accessToken: string;
}

// The app's own operations, as shipped (test/operations/, in the safelist of the app builds that have them).
const CHECKOUT = operation('StartCheckout');
const CONFIRM = operation('ConfirmCheckout');
const ORDER = operation('OrderDetails');
const REGISTER_DEVICE = operation('RegisterDevice');
const UNREGISTER_DEVICE = operation('UnregisterDevice');
const MY_NOTIFICATIONS = operation('MyNotifications');

/** The phone's push identity: what the OS hands the app (an APNs device token or an FCM registration token). */
export interface PhoneDevice {
  readonly platform: 'IOS' | 'ANDROID';
  readonly token: string;
  readonly locale: string;
  readonly appVersion: string;
}

export interface PhoneNotification {
  readonly id: string;
  readonly category: string;
  readonly title: string;
  readonly body: string;
  readonly createdAt: string;
  readonly readAt: string | null;
  readonly orderId: string | null;
  readonly productId: string | null;
}

export interface PhoneCheckout {
  readonly orderId: string;
  readonly total: { amount: string; currency: string };
  readonly clientSecret: string;
  readonly customerId: string;
  readonly customerEphemeralKey: string;
}

/**
 * A scripted phone doing the C2S2C flow exactly as an app with a payment sheet would, over
 * HTTP: start the checkout through the graph, pay the vendor directly with only the client
 * secret (3-D Secure answered when asked), sync back through the graph, and poll the order.
 * Used by the tests and by `npm run demo:checkout`.
 */
export function createSandboxPhone(options: PhoneOptions) {
  const graphql = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(options.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.accessToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
    if (!res.ok || body.errors?.length) {
      const codes = (body.errors ?? []).map((e) => e.extensions?.code ?? e.message).join(', ');
      throw Object.assign(new Error(`graph answered ${res.status}: ${codes}`), { status: res.status, errors: body.errors ?? [] });
    }
    return body.data as Record<string, unknown>;
  };

  return {
    /** `startCheckout` through the graph; `idempotencyKey` defaults to a new one (a new checkout). */
    async startCheckout(items: readonly { productId: string; quantity: number }[], idempotencyKey = `co_${randomUUID()}`): Promise<PhoneCheckout> {
      const data = await graphql(CHECKOUT, { items, idempotencyKey });
      const result = data.startCheckout as { order: { id: string; total: { amount: string; currency: string } }; paymentSheet: Omit<PhoneCheckout, 'orderId' | 'total'> | null };
      if (result.paymentSheet === null) throw new Error(`order ${result.order.id} no longer awaits payment`);
      return { orderId: result.order.id, total: result.order.total, ...result.paymentSheet };
    },

    /** The payment sheet: the vendor's client API with only the client secret. Answers 3-D Secure with `threeDSecure`. */
    async pay(checkout: PhoneCheckout, paymentMethod: PaymentMethodInput, threeDSecure: 'approve' | 'deny' = 'approve'): Promise<string> {
      const intentId = checkout.clientSecret.slice(0, checkout.clientSecret.indexOf('_secret_'));
      const { intent } = await confirmPayment(options.paymentsUrl, intentId, checkout.clientSecret, paymentMethod);
      if (intent.status === 'requires_action') return (await authenticatePayment(options.paymentsUrl, intentId, checkout.clientSecret, threeDSecure)).status;
      return intent.status;
    },

    /** The sync: the server checks with the vendor and answers the order. */
    async confirm(orderId: string): Promise<{ id: string; status: string; paymentError: string | null }> {
      return (await graphql(CONFIRM, { orderId })).confirmCheckout as { id: string; status: string; paymentError: string | null };
    },

    async order(orderId: string): Promise<{ id: string; status: string; paymentError: string | null; items: unknown[] } | null> {
      return (await graphql(ORDER, { id: orderId })).order as { id: string; status: string; paymentError: string | null; items: unknown[] } | null;
    },

    /** Polls the order until `until(status)` or the timeout; returns the last status seen. */
    async waitForStatus(orderId: string, until: (status: string) => boolean, timeoutMs = 15_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = (await this.order(orderId))?.status ?? 'MISSING';
        if (until(status) || Date.now() > deadline) return status;
        await new Promise((r) => setTimeout(r, 100));
      }
    },

    /** After sign-in, as an app does: hands the graph the token the OS gave it for pushes. */
    async registerDevice(device: PhoneDevice): Promise<{ id: string; platform: string; locale: string }> {
      return (await graphql(REGISTER_DEVICE, { ...device })).registerDevice as { id: string; platform: string; locale: string };
    },

    /** On sign-out. */
    async unregisterDevice(token: string): Promise<boolean> {
      return (await graphql(UNREGISTER_DEVICE, { token })).unregisterDevice as boolean;
    },

    /** The in-app inbox, newest first: what a missed push still shows. */
    async notifications(first = 20): Promise<PhoneNotification[]> {
      const page = (await graphql(MY_NOTIFICATIONS, { first })).myNotifications as { edges: { node: PhoneNotification }[] } | null;
      return (page?.edges ?? []).map((e) => e.node);
    },

    graphql,
  };
}

export type SandboxPhone = ReturnType<typeof createSandboxPhone>;
