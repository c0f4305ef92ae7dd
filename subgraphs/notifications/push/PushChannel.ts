import type { CallContext } from '../../kit/vendor/VendorClient.js';
import type { PushMessage, PushOutcome } from './PushSender.js';

/** One push service (FCM, APNs) behind the `PushSender`, which picks one by the device's platform. */
export interface PushChannel {
  send(token: string, message: PushMessage, call: CallContext): Promise<PushOutcome>;
  close(): Promise<void>;
}
