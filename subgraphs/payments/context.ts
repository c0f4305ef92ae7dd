import type { VendorSubgraphContext } from '../kit/server/createVendorSubgraph.js';
import type { PaymentsLoaders } from './loaders.js';

export interface PaymentsContext extends VendorSubgraphContext {
  readonly loaders: PaymentsLoaders;
}
