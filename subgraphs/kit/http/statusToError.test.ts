import { describe, expect, it } from 'vitest';
import { kindForStatus, parseRetryAfter, statusToError } from './statusToError.js';

describe('statusToError', () => {
  it('maps statuses in one place', () => {
    expect([200, 201, 204, 299].map((s) => kindForStatus(s))).toEqual([undefined, undefined, undefined, undefined]);
    expect([301, 404, 400, 409, 422, 401, 403, 429, 500, 503, 418].map((s) => kindForStatus(s))).toEqual([
      'server',
      'not_found',
      'rejected',
      'rejected',
      'rejected',
      'auth',
      'auth',
      'rate_limited',
      'server',
      'server',
      'server',
    ]);
  });

  it('a 400/409/422 to a read is refused (our request), to a write rejected (the caller\'s input); other statuses the same either way', () => {
    expect([400, 409, 422].map((s) => kindForStatus(s, { read: true }))).toEqual(['refused', 'refused', 'refused']);
    expect([400, 409, 422].map((s) => kindForStatus(s, { read: false }))).toEqual(['rejected', 'rejected', 'rejected']);
    expect([404, 401, 429, 500].map((s) => kindForStatus(s, { read: true }))).toEqual(['not_found', 'auth', 'rate_limited', 'server']);
    expect(statusToError(400, { vendor: 'v', operation: 'o', headers: {}, read: true })?.kind).toBe('refused');
  });

  it('an operation\'s own answer statuses (APNs 410, 413) are refusals like a 400, not faults; others stay server', () => {
    const clientErrors = [405, 410, 413];
    expect([410, 413, 405].map((s) => kindForStatus(s, { clientErrors }))).toEqual(['rejected', 'rejected', 'rejected']);
    expect([410, 413].map((s) => kindForStatus(s, { clientErrors, read: true }))).toEqual(['refused', 'refused']);
    expect([418, 503, 429].map((s) => kindForStatus(s, { clientErrors }))).toEqual(['server', 'server', 'rate_limited']);
    expect(statusToError(410, { vendor: 'v', operation: 'o', headers: {}, clientErrors })?.isRetryable).toBe(false);
  });

  it('keeps Retry-After only on 429 and 503', () => {
    const headers = { 'retry-after': '5' };
    expect(statusToError(429, { vendor: 'v', operation: 'o', headers })?.retryAfterMs).toBe(5000);
    expect(statusToError(503, { vendor: 'v', operation: 'o', headers })?.retryAfterMs).toBe(5000);
    expect(statusToError(500, { vendor: 'v', operation: 'o', headers })?.retryAfterMs).toBeUndefined();
    expect(statusToError(200, { vendor: 'v', operation: 'o', headers })).toBeUndefined();
  });

  it('parses Retry-After seconds and HTTP-dates, ignoring garbage', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 12 ', now)).toBe(12_000);
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
