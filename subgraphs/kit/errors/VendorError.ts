/**
 * What went wrong talking to a vendor, in the kit's own words. Carries the vendor's
 * status and (truncated) body for logs only; `toGraphQLError` turns it into a client
 * error that carries none of it.
 */
export type VendorErrorKind =
  | 'timeout' // the deadline ran out (request aborted)
  | 'network' // connection refused/reset, DNS, socket hang-up
  | 'server' // vendor 5xx
  | 'rate_limited' // vendor 429, or our own Retry-After gate is closed
  | 'not_found' // vendor 404
  | 'rejected' // vendor 400/409/422 to a write: the request (i.e. the caller's input) was refused
  | 'refused' // vendor 400/409/422 to a read: our request was refused; the caller asked for nothing wrong
  | 'auth' // vendor 401/403: our credentials are wrong; an operator problem, not the caller's
  | 'bad_response' // 2xx that is not the JSON shape we expect, fails the answer's checks, or is over the body cap
  | 'breaker_open'; // failed fast without calling the vendor

export class VendorError extends Error {
  readonly kind: VendorErrorKind;
  readonly vendor: string;
  readonly operation: string;
  readonly status: number | undefined;
  /** From the vendor's Retry-After header (429/503), in ms. */
  readonly retryAfterMs: number | undefined;
  /** First 512 characters of the vendor's body, for logs only. */
  readonly body: string | undefined;

  constructor(
    kind: VendorErrorKind,
    details: {
      vendor: string;
      operation: string;
      message?: string;
      status?: number;
      retryAfterMs?: number;
      body?: string;
      cause?: unknown;
    },
  ) {
    super(details.message ?? `${details.vendor}.${details.operation}: ${kind}${details.status ? ` (HTTP ${details.status})` : ''}`, {
      cause: details.cause,
    });
    this.name = 'VendorError';
    this.kind = kind;
    this.vendor = details.vendor;
    this.operation = details.operation;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.body = details.body?.slice(0, 512);
  }

  /** Failures that say the vendor is unhealthy (they count towards opening the breaker). */
  get isVendorFault(): boolean {
    return this.kind === 'timeout' || this.kind === 'network' || this.kind === 'server' || this.kind === 'bad_response';
  }

  /** Failures worth another attempt for an idempotent read. */
  get isRetryable(): boolean {
    return this.kind === 'network' || this.kind === 'server' || this.kind === 'rate_limited';
  }
}
