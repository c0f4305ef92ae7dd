import type { DescribeError } from '../../../platform/http/requestIdPlugin.js';
import { VendorError } from './VendorError.js';

/**
 * How a subgraph logs a vendor failure that reached a field: in full (vendor, operation,
 * status, body), since the client only sees the code.
 */
export const describeVendorError: DescribeError = (original) =>
  original instanceof VendorError
    ? {
        fields: {
          vendor: original.vendor,
          vendorOperation: original.operation,
          kind: original.kind,
          status: original.status,
          vendorBody: original.body,
        },
        message: 'vendor failure surfaced as a field error',
      }
    : undefined;
