import { readFileSync } from 'node:fs';

/** The mobile app's operations, as shipped in the app (`test/operations/*.graphql`). */
export type OperationName = 'HomeScreen' | 'ProductPage' | 'BrowseCategory' | 'SignUp' | 'SignIn' | 'RefreshSession' | 'Me' | 'AddReview' | 'StartCheckout' | 'ConfirmCheckout' | 'OrderDetails'
  | 'MyOrders'
  | 'RegisterDevice'
  | 'UnregisterDevice'
  | 'MyNotifications'
  | 'NotificationSettings'
  | 'SetNotificationPreference';

export function operation(name: OperationName): string {
  return readFileSync(new URL(`../operations/${name}.graphql`, import.meta.url), 'utf8');
}
