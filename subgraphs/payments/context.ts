import type { VendorSubgraphContext } from '../kit/server/createVendorSubgraph.js';
import type { CheckoutDeps } from './checkout/CheckoutDeps.js';

export interface PaymentsContext extends VendorSubgraphContext {
  /** The checkout's store and vendors for this request; throws while the store is not open. */
  readonly checkout: () => CheckoutDeps;
}
