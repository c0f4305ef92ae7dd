import { VendorError } from '../../kit/errors/VendorError.js';
import type { PushOutcome } from './PushSender.js';

/**
 * The outcomes both push services share, or undefined when the vendor's own refusal decides:
 * a push not delivered *now* (429, 5xx, timeout, connection failure, breaker open) is `retry`,
 * after the vendor's Retry-After when it gave one. A 2xx whose body the kit could not read was
 * still accepted by the vendor: `sent`, so the consumer does not push it a second time.
 */
export function transientOutcome(err: unknown): PushOutcome | undefined {
  if (!(err instanceof VendorError)) return { kind: 'retry', reason: 'unexpected failure' };
  if (err.kind === 'bad_response' && err.status !== undefined && err.status >= 200 && err.status < 300) return { kind: 'sent' };
  switch (err.kind) {
    case 'rate_limited':
      return { kind: 'retry', reason: 'rate_limited', ...(err.retryAfterMs !== undefined ? { afterMs: err.retryAfterMs } : {}) };
    case 'timeout':
    case 'network':
    case 'breaker_open':
    case 'bad_response':
      return { kind: 'retry', reason: err.kind };
    case 'server':
      // The kit calls unlisted 4xx `server` too; those are refusals, never worth another try.
      if (err.status === undefined || err.status >= 500) return { kind: 'retry', reason: `server${err.status ? ` ${err.status}` : ''}`, ...(err.retryAfterMs !== undefined ? { afterMs: err.retryAfterMs } : {}) };
      return undefined;
    default:
      return undefined;
  }
}
