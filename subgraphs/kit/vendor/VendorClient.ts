import type { BreakerState } from '../breaker/createBreaker.js';
import type { VendorError } from '../errors/VendorError.js';
import type { ResponseHeaders, VendorRequest } from '../http/VendorRequest.js';

/**
 * Per call: the request id (sent to the vendor, on every log line), the deadline of the
 * GraphQL request the call serves, and an optional cancel signal. The subgraph's context
 * has one ready-made (`ctx.call`, `LoaderDeps.call`): pass that, not `{ requestId }`.
 */
export interface CallContext {
  readonly requestId: string;
  /**
   * When the request's budget runs out (epoch ms, `Date.now()` clock). The call's deadline is
   * the earlier of this and its own `deadlineMs`; a call with no budget left is not started.
   */
  readonly deadlineAt?: number;
  /** The caller going away (e.g. the gateway gave up on the fetch) aborts the in-flight request. */
  readonly signal?: AbortSignal;
}

export interface VendorOperationDef<I, O> {
  /** 'products.batch'; unique within the client; in logs and breaker names. */
  readonly name: string;
  /** Reads: true → retried on retryable errors. Writes: false → one attempt (send an idempotency key instead). */
  readonly idempotent: boolean;
  readonly request: (input: I) => VendorRequest;
  /**
   * Validates the vendor's shape and maps it; throwing → `VendorError('bad_response')`. `json` is
   * undefined on 204/205, and on an empty 2xx body when `emptyBody: 'allowed'`. `headers` are the
   * answer's (lower-case names), for vendors that answer in headers (APNs' `apns-id`).
   */
  readonly parse: (json: unknown, status: number, input: I, headers: ResponseHeaders) => O;
  /**
   * `'allowed'`: an empty 2xx body is an answer (`json` undefined), as APNs' 200 is. Default
   * `'refused'`: an empty 2xx body is `bad_response`, since a JSON API that sends nothing is broken.
   */
  readonly emptyBody?: 'allowed' | 'refused';
  /**
   * Statuses besides 400/409/422 this vendor answers a request it will not process with (APNs:
   * 405, 410 Unregistered, 413 PayloadTooLarge): mapped like a 400 (`rejected`, or `refused` for
   * an idempotent operation), so not retried and not a breaker failure. Unlisted 4xx stay `server`.
   */
  readonly clientErrors?: readonly number[];
  /**
   * With a token auth: whether this refusal means the token was refused, beyond a 401 (always
   * so), e.g. APNs' 403 `ExpiredProviderToken`. The token source is told, and the request is sent
   * once more with a fresh token (the vendor processed nothing, so that is safe for a write too).
   */
  readonly tokenRefused?: (err: VendorError) => boolean;
  /** Caps the 2xx body this operation reads (bytes); overrides the client's `maxBodyBytes`. */
  readonly maxBodyBytes?: number;
  /** Overrides the client's `deadlineMs` for this operation. */
  readonly deadlineMs?: number;
}

export interface VendorOperation<I, O> {
  readonly name: string;
  /** Rejects with a `VendorError` only. */
  call(input: I, ctx: CallContext): Promise<O>;
}

export interface VendorClient {
  readonly name: string;
  /** Defines an operation and its breaker. Call once per operation at start-up (a duplicate name throws). */
  operation<I, O>(def: VendorOperationDef<I, O>): VendorOperation<I, O>;
  /** State of one operation's breaker; throws for an unknown operation. */
  breakerState(operation: string): BreakerState;
  /** Every operation's breaker state, for health and metrics. */
  breakerStates(): Record<string, BreakerState>;
  /** Closes the connection pool and shuts the breakers down. Idempotent. */
  close(): Promise<void>;
}
