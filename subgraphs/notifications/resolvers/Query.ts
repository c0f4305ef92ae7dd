import { badUserInput } from '../../../platform/errors/AppError.js';
import type { NotificationsContext } from '../context.js';
import type { Device } from '../model.js';
import type { Preference } from '../store/PreferenceStore.js';
import { notificationCursor } from '../store/NotificationStore.js';
import { viewerId } from './viewerId.js';

export const MAX_PAGE = 50;

export const Query = {
  async myDevices(_: unknown, _args: unknown, ctx: NotificationsContext): Promise<Device[]> {
    return ctx.stores().devices.devicesOf(viewerId(ctx));
  },

  async myNotificationPreferences(_: unknown, _args: unknown, ctx: NotificationsContext): Promise<Preference[]> {
    return ctx.stores().preferences.of(viewerId(ctx));
  },

  async myNotifications(_: unknown, args: { first: number; after?: string | null }, ctx: NotificationsContext) {
    const userId = viewerId(ctx);
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE) throw badUserInput('first', `an integer from 1 to ${MAX_PAGE}`);
    const page = await ctx.stores().notifications.page(userId, args.first, args.after ?? null);
    if (page === null) throw badUserInput('after', 'an endCursor from a previous page');
    const edges = page.notifications.map((node) => ({ cursor: notificationCursor(node), node }));
    return { edges, pageInfo: { endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: page.hasNextPage } };
  },
};
