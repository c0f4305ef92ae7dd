/** The app's notification operations as these tests send them through the gateway. */
export const REGISTER = `mutation Register($platform: DevicePlatform!, $token: String!, $locale: String!, $appVersion: String!) {
  registerDevice(platform: $platform, token: $token, locale: $locale, appVersion: $appVersion) { id platform locale appVersion registeredAt lastSeenAt }
}`;
export const UNREGISTER = 'mutation Unregister($token: String!) { unregisterDevice(token: $token) }';
export const MY_DEVICES = 'query { myDevices { id platform locale appVersion registeredAt lastSeenAt } }';
export const MY_PREFERENCES = 'query { myNotificationPreferences { category enabled } }';
export const SET_PREFERENCE = `mutation Set($category: NotificationCategory!, $enabled: Boolean!) {
  setNotificationPreference(category: $category, enabled: $enabled) { category enabled }
}`;
export const MY_NOTIFICATIONS = `query Inbox($first: Int!, $after: String) {
  myNotifications(first: $first, after: $after) {
    edges { cursor node { id category title body createdAt readAt orderId productId reviewId } }
    pageInfo { endCursor hasNextPage }
  }
}`;
export const MARK_READ = 'mutation Read($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id readAt } }';
