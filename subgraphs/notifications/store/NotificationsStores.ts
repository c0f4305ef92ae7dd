import type { Database } from '../../../platform/db/Database.js';
import { DeliveryStore } from './DeliveryStore.js';
import { DeviceStore } from './DeviceStore.js';
import { EventInbox } from './EventInbox.js';
import { NotificationStore } from './NotificationStore.js';
import { PreferenceStore } from './PreferenceStore.js';
import { ProductReviewers } from './ProductReviewers.js';

/** Every table of the notifications service, over its one database. */
export interface NotificationsStores {
  readonly db: Database;
  readonly devices: DeviceStore;
  readonly preferences: PreferenceStore;
  readonly notifications: NotificationStore;
  readonly events: EventInbox;
  readonly deliveries: DeliveryStore;
  readonly reviewers: ProductReviewers;
}

export function createNotificationsStores(db: Database, limits: { maxDevicesPerUser: number; sendAttempts: number }): NotificationsStores {
  return {
    db,
    devices: new DeviceStore(db, limits.maxDevicesPerUser),
    preferences: new PreferenceStore(db),
    notifications: new NotificationStore(db),
    events: new EventInbox(db),
    deliveries: new DeliveryStore(db, limits.sendAttempts),
    reviewers: new ProductReviewers(db),
  };
}
