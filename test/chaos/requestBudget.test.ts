import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REQUEST_BUDGET_HEADER, REQUEST_DEADLINE_HEADER } from '../../platform/http/requestDeadline.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

const BUDGET_MS = 1_000;
const VENDOR_LATENCY_MS = 900;
// VENDOR_UNAVAILABLE: a vendor's breaker opened on the timeouts and failed the next calls fast.
const CODES = new Set(['VENDOR_TIMEOUT', 'VENDOR_UNAVAILABLE', 'SERVICE_UNAVAILABLE']);

interface Received {
  readonly subgraph: string;
  readonly requestId: string;
  /** The `x-request-deadline-ms` it carried (undefined: none). */
  readonly budget: string | undefined;
}

describe('one latency budget per request', () => {
  let stack: Stack;
  let received: Received[] = [];

  beforeAll(async () => {
    stack = await startStack({
      env: {
        REQUEST_BUDGET_MS: String(BUDGET_MS),
        SUBGRAPH_TIMEOUT_MS: String(BUDGET_MS),
        // Every request reaches every vendor: no cache hides the latency.
        CATALOG_CACHE_TTL_MS: '0',
        REVIEWS_CACHE_TTL_MS: '0',
        ACCOUNTS_CACHE_TTL_MS: '0',
      },
    });
    // What each subgraph received, next to its own handler (read only).
    for (const s of stack.subgraphs) {
      s.http.server.on('request', (req: IncomingMessage) => {
        const budget = req.headers[REQUEST_DEADLINE_HEADER];
        received.push({ subgraph: s.name, requestId: String(req.headers['x-request-id']), budget: Array.isArray(budget) ? budget.join(',') : budget });
      });
    }
    // Cold start (JIT, first connections) outside the measured requests.
    await stack.query(operation('HomeScreen'));
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    received = [];
    for (const vendor of stack.sandbox.vendors) vendor.control.resetFaults();
  });

  const home = (headers: Record<string, string> = {}) => {
    const requestId = `budget-${randomUUID()}`;
    return stack.query(operation('HomeScreen'), undefined, { 'x-request-id': requestId, ...headers }).then((res) => ({ res, requestId }));
  };
  const budgetsOf = (requestId: string) => received.filter((r) => r.requestId === requestId);

  // Healthy vendors first: the slow-vendor tests below open vendor breakers.
  it('a client budget longer than the gateway budget is clamped to it, never lengthened', async () => {
    const { res, requestId } = await home({ [REQUEST_BUDGET_HEADER]: '60000' });
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    for (const fetch of budgetsOf(requestId)) expect(Number(fetch.budget)).toBeLessThanOrEqual(BUDGET_MS);
  });

  it.each(['-5', '1.5', 'abc', '300ms', '', '1e3'])('a malformed client budget (%j) is refused with 400 BAD_REQUEST, nothing runs', async (value) => {
    const { res, requestId } = await home({ [REQUEST_BUDGET_HEADER]: value });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(res.json.errors[0].message).toContain(REQUEST_BUDGET_HEADER);
    expect(budgetsOf(requestId)).toEqual([]);
  });

  it("a client's shorter budget is honoured: every fetch gets at most what the client allowed", async () => {
    stack.sandbox.commerce.control.setFaults({ latencyMs: VENDOR_LATENCY_MS });
    const { res, requestId } = await home({ [REQUEST_BUDGET_HEADER]: '300' });
    expect(res.status).toBe(200);
    const fetches = budgetsOf(requestId);
    expect(fetches.map((f) => f.subgraph)).toEqual(['catalog']);
    expect(Number(fetches[0]!.budget)).toBeLessThanOrEqual(300);
    // The catalog vendor takes 900 ms: the products did not make it within 300.
    expect(res.json.data.products).toBeNull();
    expect(CODES).toContain(res.json.errors[0].extensions.code);
  });

  it('three vendors at 900 ms each: 200 within a few budgets, late fields null with a code, each fetch sent the budget left', async () => {
    for (const vendor of [stack.sandbox.commerce, stack.sandbox.reviews, stack.sandbox.identity]) vendor.control.setFaults({ latencyMs: VENDOR_LATENCY_MS });
    const durations: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { res, requestId } = await home();
      durations.push(res.ms);
      expect(res.status).toBe(200);
      // Before: 3 × 900 ms in sequence, a full answer after ~2.8 s. Now the budget ends it (bound generous for busy machines).
      expect(res.ms).toBeLessThan(2.5 * BUDGET_MS);
      expect(res.json.data).toBeDefined();
      expect(res.json.errors?.length).toBeGreaterThan(0);
      for (const error of res.json.errors) expect(CODES).toContain(error.extensions.code);
      const edges = res.json.data?.products?.edges ?? [];
      for (const { node } of edges) expect(node.rating).toBeNull();

      // Every fetch carried the budget left: at most the request budget, less for every later fetch.
      const fetches = budgetsOf(requestId);
      expect(fetches.length).toBeGreaterThan(0);
      const values = fetches.map((f) => Number(f.budget));
      for (const value of values) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(BUDGET_MS);
      }
      expect(fetches[0]?.subgraph).toBe('catalog');
      for (let k = 1; k < values.length; k++) expect(values[k]).toBeLessThan(values[k - 1]!);
    }
    durations.sort((a, b) => a - b);
    console.info(`three 900 ms vendors, budget ${BUDGET_MS} ms: durations ${durations.map((d) => Math.round(d)).join(', ')} ms`);
  });
});
