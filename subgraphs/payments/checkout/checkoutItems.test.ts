import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors/AppError.js';
import { checkIdempotencyKey, checkoutLines, MAX_LINES, MAX_QUANTITY } from './checkoutItems.js';

const line = (productId: string, quantity = 1) => ({ productId, quantity });

function refusal(fn: () => unknown): { code: string; argument: unknown; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    return { code: e.code, argument: e.extensions.argument, message: e.message };
  }
  throw new Error('expected a refusal');
}

describe('the cart, checked and made canonical', () => {
  it('merges lines of one product and sorts by product', () => {
    expect(checkoutLines([line('prod_0003', 2), line('prod_0001', 1), line('prod_0003', 3)]).lines).toEqual([line('prod_0001', 1), line('prod_0003', 5)]);
  });

  it('gives the same fingerprint to the same cart however it is written, another to another cart', () => {
    const a = checkoutLines([line('prod_0001', 2), line('prod_0003', 1)]).fingerprint;
    expect(checkoutLines([line('prod_0003', 1), line('prod_0001', 1), line('prod_0001', 1)]).fingerprint).toBe(a);
    expect(checkoutLines([line('prod_0001', 1), line('prod_0003', 1)]).fingerprint).not.toBe(a);
    expect(checkoutLines([line('prod_0001', 2)]).fingerprint).not.toBe(a);
  });

  it(`accepts 1 to ${MAX_LINES} lines and 1 to ${MAX_QUANTITY} of a product`, () => {
    const full = Array.from({ length: MAX_LINES }, (_, i) => line(`prod_${i}`, MAX_QUANTITY));
    expect(checkoutLines(full).lines).toHaveLength(MAX_LINES);
    expect(checkoutLines([line('prod_0001', 1)]).lines).toEqual([line('prod_0001', 1)]);
  });

  it.each([
    ['no lines', []],
    [`${MAX_LINES + 1} lines`, Array.from({ length: MAX_LINES + 1 }, (_, i) => line(`prod_${i}`))],
    ['quantity 0', [line('prod_0001', 0)]],
    ['a negative quantity', [line('prod_0001', -3)]],
    [`quantity ${MAX_QUANTITY + 1}`, [line('prod_0001', MAX_QUANTITY + 1)]],
    ['a fractional quantity', [line('prod_0001', 1.5)]],
    ['NaN', [line('prod_0001', Number.NaN)]],
    ['one product over the limit once merged', [line('prod_0001', 6), line('prod_0001', 5)]],
    ['an empty product id', [line('')]],
    ['a product id with spaces', [line('prod 1')]],
    ['a product id with a path', [line('../prod_0001')]],
    ['a product id of 65 characters', [line('p'.repeat(65))]],
  ])('refuses %s with BAD_USER_INPUT naming "items"', (_name, items) => {
    expect(refusal(() => checkoutLines(items))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'items' });
  });
});

describe('the idempotency key', () => {
  it('accepts 8 to 64 letters, digits, "-" and "_"', () => {
    for (const key of ['abcdefgh', 'A'.repeat(64), 'co_7f3e-11aa_BB', '0123456789']) expect(checkIdempotencyKey(key)).toBe(key);
  });

  it.each([['1234567'], ['k'.repeat(65)], [''], ['has space1'], ['semi;colon'], ['ünïcødé-key'], ['line\nbreak1'], ['slash/slash']])('refuses %j naming "idempotencyKey"', (key) => {
    expect(refusal(() => checkIdempotencyKey(key))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'idempotencyKey' });
  });
});
