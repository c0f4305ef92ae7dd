import type { Notification as NotificationModel } from '../model.js';

/** The ids the app follows come from the push's own data, so the inbox and the push link to the same place. */
const link = (key: string) => (n: NotificationModel) => n.data[key] ?? null;

export const Notification = {
  createdAt: (n: NotificationModel) => n.createdAt.toISOString(),
  readAt: (n: NotificationModel) => n.readAt?.toISOString() ?? null,
  orderId: link('orderId'),
  productId: link('productId'),
};
