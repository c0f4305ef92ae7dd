import { VendorError } from './VendorError.js';

/**
 * One item of a vendor's answer that failed its checks, in place of the item: the rest of
 * the answer is used, this key resolves to an error (`VENDOR_BAD_RESPONSE` for the client)
 * instead of the bad value. Not thrown by the vendor client (the call itself succeeded, so
 * it is no breaker failure); `createBatchLoader` rejects just its key and does not cache it.
 */
export class VendorItemError extends VendorError {
  /** The key the item answered (the id asked for), as `cacheKey` renders it. */
  readonly key: string;

  constructor(key: string, details: { vendor: string; operation: string; message: string }) {
    super('bad_response', details);
    this.name = 'VendorItemError';
    this.key = key;
  }
}
