import { VendorError, type VendorErrorKind } from '../errors/VendorError.js';
import type { ResponseHeaders } from './VendorRequest.js';

/**
 * The one place a vendor's HTTP status becomes a `VendorError` kind. Anything not
 * listed is treated as the vendor's fault (`server`), including 3xx (redirects are not
 * followed: a vendor API that redirects has changed under us). 400/409/422 depend on what
 * was sent: to a write (`read: false`) they refuse the caller's input (`rejected`); to a
 * read they refuse a request we built from checked arguments (`refused`: our problem, so
 * a query with no arguments never answers BAD_USER_INPUT).
 */
export function kindForStatus(status: number, options: { read?: boolean; clientErrors?: readonly number[] } = {}): VendorErrorKind | undefined {
  if (status >= 200 && status < 300) return undefined;
  // A vendor that answers with statuses of its own (APNs: 410 Unregistered, 413 PayloadTooLarge)
  // names them, so they are answers like a 400 rather than faults that trip the breaker and are retried.
  if (options.clientErrors?.includes(status) === true) return options.read === true ? 'refused' : 'rejected';
  switch (status) {
    case 404:
      return 'not_found';
    case 400:
    case 409:
    case 422:
      return options.read === true ? 'refused' : 'rejected';
    case 401:
    case 403:
      return 'auth';
    case 429:
      return 'rate_limited';
    default:
      return 'server';
  }
}

/**
 * `Retry-After` as milliseconds from `now`: either delay-seconds or an HTTP-date.
 * Unparseable values are ignored (undefined); dates in the past give 0.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Anything else number-like ('-1', '1.5') is invalid; Date.parse would read it as a year or a date.
  if (/^[\d\s.+-]+$/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** `undefined` for 2xx; otherwise the error to throw, with Retry-After (429/503) and the body for logs. */
export function statusToError(
  status: number,
  details: { vendor: string; operation: string; headers: ResponseHeaders; body?: string; now?: number; read?: boolean; clientErrors?: readonly number[] },
): VendorError | undefined {
  const kind = kindForStatus(status, { read: details.read ?? false, ...(details.clientErrors ? { clientErrors: details.clientErrors } : {}) });
  if (kind === undefined) return undefined;
  const retryAfterMs =
    status === 429 || status === 503 ? parseRetryAfter(details.headers['retry-after'], details.now ?? Date.now()) : undefined;
  return new VendorError(kind, {
    vendor: details.vendor,
    operation: details.operation,
    status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(details.body !== undefined && details.body !== '' ? { body: details.body } : {}),
  });
}
