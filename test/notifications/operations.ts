import { operation } from '../harness/operations.js';

/** The app's shipped operations (test/operations/, in the safelist of ios-3.4.0), as the phone sends them. */
export const UNREGISTER = operation('UnregisterDevice');
export const MY_PREFERENCES = operation('NotificationSettings');
export const SET_PREFERENCE = operation('SetNotificationPreference');
export const MY_NOTIFICATIONS = operation('MyNotifications');

/**
 * What no shipped build asks yet, written here: registerDevice with `registeredAt` (to see a
 * re-registration keep it), every Device field, and markNotificationsRead.
 */
export const REGISTER = `mutation Register($platform: DevicePlatform!, $token: String!, $locale: String!, $appVersion: String!) {
  registerDevice(platform: $platform, token: $token, locale: $locale, appVersion: $appVersion) { id platform locale appVersion registeredAt lastSeenAt }
}`;
export const MY_DEVICES = 'query { myDevices { id platform locale appVersion registeredAt lastSeenAt } }';
export const MARK_READ = 'mutation Read($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id readAt } }';
