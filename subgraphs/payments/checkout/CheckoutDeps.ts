import type { Logger } from '../../../platform/log/createLogger.js';
import type { CallContext } from '../../kit/vendor/VendorClient.js';
import type { PaylaneClient } from '../paylaneClient.js';
import type { PricesClient } from '../pricesClient.js';
import type { OrderStore } from '../store/OrderStore.js';

/** What the checkout steps need, per request. */
export interface CheckoutDeps {
  readonly store: OrderStore;
  readonly paylane: PaylaneClient;
  readonly prices: PricesClient;
  readonly call: CallContext;
  readonly logger: Logger;
}
