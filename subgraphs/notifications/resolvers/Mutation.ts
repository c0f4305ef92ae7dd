import { badUserInput } from '../../../platform/errors/AppError.js';
import type { NotificationsContext } from '../context.js';
import { deviceInput } from '../deviceInput.js';
import { NOTIFICATION_ID, type Device, type Notification, type NotificationCategory } from '../model.js';
import type { Preference } from '../store/PreferenceStore.js';
import { viewerId } from './viewerId.js';

const MAX_READ_IDS = 100;
/** Longer than any token either push service hands out: refused before the store is asked. */
const MAX_TOKEN = 4096;

export const Mutation = {
  async registerDevice(_: unknown, args: { platform: string; token: string; locale: string; appVersion: string }, ctx: NotificationsContext): Promise<Device> {
    const userId = viewerId(ctx);
    return ctx.stores().devices.register(userId, deviceInput(args));
  },

  async unregisterDevice(_: unknown, args: { token: string }, ctx: NotificationsContext): Promise<boolean> {
    const userId = viewerId(ctx);
    if (args.token.length === 0 || args.token.length > MAX_TOKEN) throw badUserInput('token', `a push token of 1 to ${MAX_TOKEN} characters`);
    return ctx.stores().devices.unregister(userId, args.token);
  },

  async setNotificationPreference(_: unknown, args: { category: NotificationCategory; enabled: boolean }, ctx: NotificationsContext): Promise<Preference> {
    return ctx.stores().preferences.set(viewerId(ctx), args.category, args.enabled);
  },

  async markNotificationsRead(_: unknown, args: { ids: readonly string[] }, ctx: NotificationsContext): Promise<Notification[]> {
    const userId = viewerId(ctx);
    if (args.ids.length < 1 || args.ids.length > MAX_READ_IDS || !args.ids.every((id) => NOTIFICATION_ID.test(id))) {
      throw badUserInput('ids', `1 to ${MAX_READ_IDS} notification ids (ntf_ and 20 letters or digits)`);
    }
    return ctx.stores().notifications.markRead(userId, [...new Set(args.ids)]);
  },
};
