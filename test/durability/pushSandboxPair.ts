import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { createApnsVendor, type RunningApnsVendor } from '../../vendors/apns/createApnsVendor.js';
import { createFcmVendor, type RunningFcmVendor } from '../../vendors/fcm/createFcmVendor.js';

/** One push as a sandbox accepted it: the device, the collapse id (one per order here), when. */
export interface ReceivedPush {
  readonly platform: 'IOS' | 'ANDROID';
  readonly token: string;
  readonly collapseId: string | null;
  /** When the sandbox accepted it (epoch ms), after its latency: the moment the phone would be told. */
  readonly receivedAt: number;
}

export interface PushSandboxPair {
  readonly fcm: RunningFcmVendor;
  readonly apns: RunningApnsVendor;
  /** The notifications service's settings that point it (and its workers) at these two. */
  readonly env: Readonly<Record<string, string>>;
  /** Every push both accepted so far (read in this process, no HTTP). */
  received(): ReceivedPush[];
  close(): Promise<void>;
}

/**
 * The FCM- and APNs-shaped sandboxes alone, in this process on 127.0.0.1 port 0, each
 * answering after `latencyMs` plus up to `jitterMs`: with a latency, a push is in flight
 * long enough for a kill to land mid-send. Both keep what they accept, which is the count
 * of what reached a phone. A start that fails leaves nothing running.
 */
export async function startPushSandboxPair(options: { latencyMs: number; jitterMs: number }): Promise<PushSandboxPair> {
  const base = { host: '127.0.0.1', port: 0, latencyMs: options.latencyMs };
  const fcm = await createFcmVendor({ ...base, apiKey: sandboxVendorEntry('fcm').defaultKey });
  let apns: RunningApnsVendor;
  try {
    apns = await createApnsVendor({ ...base, apiKey: sandboxVendorEntry('apns').defaultKey });
  } catch (err) {
    await fcm.close();
    throw err;
  }
  for (const vendor of [fcm, apns]) vendor.control.setFaults({ jitterMs: options.jitterMs });
  return {
    fcm,
    apns,
    env: {
      NOTIFICATIONS_VENDOR_URL: fcm.url,
      NOTIFICATIONS_VENDOR_KEY: fcm.apiKey,
      NOTIFICATIONS_APNS_URL: apns.url,
      NOTIFICATIONS_APNS_KEY: apns.apiKey,
    },
    received() {
      const android = fcm.push.messages().messages.map(
        (m): ReceivedPush => ({ platform: 'ANDROID', token: m.token, collapseId: m.collapseKey, receivedAt: Date.parse(m.receivedAt) }),
      );
      const ios = apns.apns.notifications().notifications.map(
        (n): ReceivedPush => ({ platform: 'IOS', token: n.token, collapseId: n.collapseId, receivedAt: n.receivedAt }),
      );
      return [...android, ...ios];
    },
    async close() {
      await Promise.allSettled([fcm.close(), apns.close()]);
    },
  };
}
