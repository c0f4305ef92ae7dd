import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../gateway/test/capturingLogger.js';
import type { Logger } from '../../platform/log/createLogger.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

interface Line {
  level: number;
  msg: string;
  [field: string]: unknown;
}
const WARN = 40;
const ERROR = 50;

/**
 * Logs an operator can use: one access line per request at the gateway; coded, expected
 * errors once per request (not per field) and below error level; never the query text.
 */
describe('operator logs', () => {
  const captured = new Map<string, string[]>();
  let stack: Stack;
  const lines = (service: string): Line[] => (captured.get(service) ?? []).map((l) => JSON.parse(l) as Line);
  const clear = () => {
    for (const buffer of captured.values()) buffer.length = 0;
  };

  beforeAll(async () => {
    stack = await startStack({
      env: { REVIEWS_CACHE_TTL_MS: '0', REVIEWS_BREAKER_VOLUME: '1000' },
      logger: (service): Logger => {
        const { logger, lines: buffer } = capturingLogger(service, 'info');
        captured.set(service, buffer);
        return logger;
      },
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.sandbox.reviews.control.resetFaults();
    clear();
  });

  it('a successful query: exactly one gateway line, the access line, with operation, status, duration, codes, request id and client', async () => {
    const res = await stack.query(operation('HomeScreen'), undefined, {
      'x-request-id': 'req-access-1',
      'apollographql-client-name': 'shop-ios',
      'apollographql-client-version': '3.2.0',
    });
    expect(res.json.errors).toBeUndefined();
    const gateway = lines('gateway');
    expect(gateway).toHaveLength(1);
    expect(gateway[0]).toMatchObject({
      level: 30,
      msg: 'graphql request',
      requestId: 'req-access-1',
      operationName: 'HomeScreen',
      status: 200,
      durationMs: expect.any(Number),
      errorCodes: {},
      client: 'shop-ios/3.2.0',
    });
    // Never the query text or variables at info.
    expect(captured.get('gateway')!.join('')).not.toMatch(/products\(first|edges|query HomeScreen/);
  });

  it('a degraded home screen (reviews vendor down): one access line and at most one warning at the gateway, none at error level; the subgraph logs the vendor failure once', async () => {
    stack.sandbox.reviews.control.setFaults({ outage: true });
    const res = await stack.query(operation('HomeScreen'), undefined, { 'x-request-id': 'req-degraded-1' });
    expect(res.status).toBe(200);
    expect(res.json.errors.length).toBeGreaterThan(10);

    const gateway = lines('gateway');
    expect(gateway.filter((l) => l.level >= ERROR)).toEqual([]);
    const access = gateway.filter((l) => l.msg === 'graphql request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ requestId: 'req-degraded-1', status: 200, errorCodes: { VENDOR_UNAVAILABLE: res.json.errors.length } });
    expect(gateway.filter((l) => l.level === WARN).length).toBeLessThanOrEqual(1);
    expect(gateway.length).toBeLessThanOrEqual(2);

    const reviews = lines('reviews');
    expect(reviews.filter((l) => l.level >= ERROR)).toEqual([]);
    const failures = reviews.filter((l) => l.requestId === 'req-degraded-1' && l.level === WARN);
    expect(failures.length).toBeLessThanOrEqual(2); // one per subgraph request (a home screen makes at most two to reviews)
    expect(captured.get('reviews')!.join('').length).toBeLessThan(8_000);
  });

  it('a client mistake: info, no stack, nothing at warn or error', async () => {
    const res = await stack.query('{ products(first: 2) { edges { node { nope } } } }', undefined, { 'x-request-id': 'req-bad-1' });
    expect(res.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const gateway = lines('gateway');
    expect(gateway.filter((l) => l.level >= WARN)).toEqual([]);
    expect(captured.get('gateway')!.join('')).not.toMatch(/"stack"/);
    expect(gateway.filter((l) => l.msg === 'graphql request')).toHaveLength(1);
  });
});
