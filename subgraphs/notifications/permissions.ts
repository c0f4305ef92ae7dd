import { createPermissions, type PermissionRules } from '../kit/auth/createPermissions.js';
import { allowAll, isAuthenticated } from '../kit/auth/rules.js';

/**
 * Mirrors schema.graphql, deny by default. Every root field needs a signed-in user, and the
 * resolvers only ever read or write that user's rows (devices, preferences, notifications),
 * so the objects below them are the caller's own. Federation's `_service` is handled by the kit.
 */
export const notificationsRules = {
  Query: { myDevices: isAuthenticated, myNotificationPreferences: isAuthenticated, myNotifications: isAuthenticated },
  Mutation: {
    registerDevice: isAuthenticated,
    unregisterDevice: isAuthenticated,
    setNotificationPreference: isAuthenticated,
    markNotificationsRead: isAuthenticated,
  },
  Device: { '*': isAuthenticated },
  NotificationPreference: { '*': isAuthenticated },
  Notification: { '*': isAuthenticated },
  NotificationConnection: { '*': allowAll },
  NotificationEdge: { '*': allowAll },
  PageInfo: { '*': allowAll },
} satisfies PermissionRules;

export const notificationsPermissions = createPermissions(notificationsRules);
