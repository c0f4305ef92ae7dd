import type { SubgraphContext } from '../kit/server/createSubgraphServer.js';
import type { NotificationsStores } from './store/NotificationsStores.js';

export interface NotificationsContext extends SubgraphContext {
  /** The service's stores; throws while the store is not open. Resolvers read and write only the caller's rows. */
  readonly stores: () => NotificationsStores;
}
