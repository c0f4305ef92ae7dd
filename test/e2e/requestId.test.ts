import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

describe('request id correlation', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('takes x-request-id from the client, sends it to every vendor, and returns it in a header and extensions', async () => {
    stack.resetVendorStats();
    const res = await stack.query(operation('HomeScreen'), undefined, { 'x-request-id': 'support-ticket-4711' });

    expect(res.headers.get('x-request-id')).toBe('support-ticket-4711');
    expect(res.json.extensions.requestId).toBe('support-ticket-4711');
    // The three vendors the home screen reaches.
    for (const vendor of [stack.sandbox.commerce, stack.sandbox.reviews, stack.sandbox.identity]) {
      const calls = vendor.control.stats().calls;
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.map((c) => c.requestId)).toEqual(calls.map(() => 'support-ticket-4711'));
    }
  });

  it('makes one when the client sends none or an unsafe one', async () => {
    const cases: Record<string, string>[] = [{}, { 'x-request-id': 'x'.repeat(500) }, { 'x-request-id': 'a b\tc' }];
    for (const headers of cases) {
      const res = await stack.query('{ products(first: 1) { edges { node { id } } } }', undefined, headers);
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.json.extensions.requestId).toBe(id);
    }
  });

  it('puts the request id on errors too, so support can find the logs', async () => {
    const res = await stack.query('{ products(first: -1) { edges { node { id } } } }', undefined, { 'x-request-id': 'req-err-1' });
    expect(res.headers.get('x-request-id')).toBe('req-err-1');
    expect(res.json.extensions.requestId).toBe('req-err-1');
  });
});
