import type { Device } from '../../subgraphs/notifications/model.js';
import type { DeviceStore } from '../../subgraphs/notifications/store/DeviceStore.js';
import type { Random } from './seededRandom.js';

const HEX = '0123456789abcdef';
const LOCALES = ['en-US', 'fr-FR', 'de-DE', 'es-ES'];

/** An APNs device token as Apple hands them out (64 hex, lower case: the form the service keeps). */
export function pushApnsToken(random: Random): string {
  let token = '';
  for (let i = 0; i < 64; i++) token += HEX[random.int(0, 15)];
  return token;
}

/** An FCM registration token, FCM-shaped (the sandbox takes 100..256 of [A-Za-z0-9_:-]). */
export function pushFcmToken(random: Random): string {
  return `${random.alnum(11)}:APA91b${random.alnum(134)}`;
}

/** `count` user ids shaped as the identity provider's (`usr_p0001`, …). */
export function pushUserIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `usr_p${String(i + 1).padStart(4, '0')}`);
}

/**
 * For each user, 1..`maxPerUser` phones of either platform in one of the app's locales,
 * registered through the store as `registerDevice` does once its arguments are checked (the
 * tokens are made valid here). Seeded: a run replays its devices.
 */
export async function registerPushDevices(store: DeviceStore, random: Random, options: { userIds: readonly string[]; maxPerUser: number }): Promise<Device[]> {
  const devices: Device[] = [];
  for (const userId of options.userIds) {
    for (let d = random.int(1, options.maxPerUser); d > 0; d--) {
      const platform = random.chance(0.5) ? 'IOS' : 'ANDROID';
      const token = platform === 'IOS' ? pushApnsToken(random) : pushFcmToken(random);
      const locale = LOCALES[random.int(0, LOCALES.length - 1)]!;
      devices.push(await store.register(userId, { platform, token, locale, appVersion: '3.4.0' }));
    }
  }
  return devices;
}
