import type { Route } from '../sandbox/types.js';
import { clientRoutes } from './clientRoutes.js';
import type { EventLog } from './EventLog.js';
import type { PaylaneStore } from './PaylaneStore.js';
import { serverRoutes } from './serverRoutes.js';

/**
 * Paylane's API: the public client routes (the phone's payment sheet) listed apart from the
 * server key's routes, so that the public surface is easy to audit.
 */
export function paymentsRoutes(store: PaylaneStore, events: EventLog): Route[] {
  return [...clientRoutes(store), ...serverRoutes(store, events)];
}
