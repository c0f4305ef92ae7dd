import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstErrorCode } from '../harness/firstErrorCode.js';
import { findLeaks } from '../harness/leaks.js';
import { operation } from '../harness/operations.js';
import { CART, startPaymentsStack, type PaymentsStack } from './paymentsStack.js';

const START = operation('StartCheckout');
const CONFIRM = operation('ConfirmCheckout');
const ORDER = operation('OrderDetails');
const MY_ORDERS = operation('MyOrders');

const line = (productId: string, quantity = 1) => ({ productId, quantity });
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
let keySeq = 0;
const freshKey = () => `input-key-${String(++keySeq).padStart(4, '0')}`;

/**
 * Every argument of the payments API is an input boundary: each malformed value is refused
 * with BAD_USER_INPUT naming the argument, before anything is charged or stored; every
 * operation needs a signed-in user and only ever shows that user's own orders.
 */
describe('checkout input and access through the graph', () => {
  let p: PaymentsStack;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  beforeAll(async () => {
    p = await startPaymentsStack();
    alice = { authorization: `Bearer ${await p.sandbox.identity.oidc.signAccessToken({ sub: 'usr_0090' })}` };
    bob = { authorization: `Bearer ${await p.sandbox.identity.oidc.signAccessToken({ sub: 'usr_0091' })}` };
  });
  afterAll(async () => {
    await p?.close();
  });

  const expectRefused = async (query: string, variables: Record<string, unknown>, argument: string, headers = alice) => {
    const res = await p.stack.query(query, variables, headers);
    expect(res.status).toBe(200);
    expect(firstErrorCode(res.json), JSON.stringify(variables)).toBe('BAD_USER_INPUT');
    expect(res.json.errors[0].extensions.argument, JSON.stringify(variables)).toBe(argument);
    expect(findLeaks(res.text, p.sandbox)).toEqual([]);
    return res;
  };

  const CARTS: readonly [string, readonly { productId: string; quantity: number }[]][] = [
    ['an empty cart', []],
    ['21 lines', Array.from({ length: 21 }, (_, i) => line(`prod_${String(i + 1).padStart(4, '0')}`))],
    ['quantity 0', [line('prod_0001', 0)]],
    ['quantity 11', [line('prod_0001', 11)]],
    ['a negative quantity', [line('prod_0001', -1)]],
    ['one product over 10 once its lines are merged', [line('prod_0001', 6), line('prod_0003', 1), line('prod_0001', 5)]],
    ['a product id of the wrong shape', [line('prod 0001; drop table')]],
    ['an empty product id', [line('')]],
    ['an unknown product', [line('prod_9999')]],
    ['an out-of-stock product', [line('prod_0001'), line('prod_0018')]],
    ['mixed currencies', [line('prod_0001'), line('prod_0002')]],
  ];

  it.each(CARTS)('startCheckout refuses %s (BAD_USER_INPUT, argument "items"), and stores no order', async (_name, items) => {
    const key = freshKey();
    await expectRefused(START, { items, idempotencyKey: key }, 'items');
    const { rows } = await p.db().query('SELECT id FROM orders WHERE idempotency_key = $1', [key]);
    expect(rows).toEqual([]);
  });

  it.each([
    ['too short', 'short'],
    ['too long', 'k'.repeat(65)],
    ['empty', ''],
    ['with spaces and punctuation', 'my key; 1=1'],
    ['with a non-ASCII letter', 'clé-de-paiement'],
  ])('startCheckout refuses an idempotency key %s (argument "idempotencyKey")', async (_name, key) => {
    await expectRefused(START, { items: CART, idempotencyKey: key }, 'idempotencyKey');
  });

  it.each([['ord_123'], ['ORD_AAAAAAAAAAAAAAAAAAAA'], ['ord_aaaaaaaaaaaaaaaaaaaa; --'], [''], ['../../etc/passwd']])(
    'a malformed order id %j: order → argument "id", confirmCheckout → argument "orderId"',
    async (id) => {
      await expectRefused(ORDER, { id }, 'id');
      await expectRefused(CONFIRM, { orderId: id }, 'orderId');
    },
  );

  it('myOrders refuses first 0 and 51, and a forged or garbled after cursor (argument named)', async () => {
    await expectRefused(MY_ORDERS, { first: 0 }, 'first');
    await expectRefused(MY_ORDERS, { first: 51 }, 'first');
    await expectRefused(MY_ORDERS, { first: -1 }, 'first');
    for (const after of [
      'not a cursor',
      b64('2024-01-01T00:00:00.000Z'),
      b64('2024-01-01T00:00:00.000Z|ord_aaaaaaaaaaaaaaaaaaaa|extra'),
      b64("2024-01-01T00:00:00.000Z|ord_x' OR '1'='1"),
      b64('not a date|ord_aaaaaaaaaaaaaaaaaaaa'),
      'A'.repeat(300),
      '',
    ]) {
      await expectRefused(MY_ORDERS, { first: 5, after }, 'after');
    }
  });

  it('anonymous callers get UNAUTHENTICATED on every operation, and nothing is created', async () => {
    for (const [query, variables] of [
      [START, { items: CART, idempotencyKey: freshKey() }],
      [CONFIRM, { orderId: 'ord_aaaaaaaaaaaaaaaaaaaa' }],
      [ORDER, { id: 'ord_aaaaaaaaaaaaaaaaaaaa' }],
      [MY_ORDERS, { first: 5 }],
    ] as const) {
      const res = await p.stack.query(query, variables);
      expect(firstErrorCode(res.json), query).toBe('UNAUTHENTICATED');
    }
    const { rows } = await p.db().query<{ n: string | number }>("SELECT count(*) AS n FROM orders WHERE user_id NOT LIKE 'usr_%'");
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it("another user's order: null for order, NOT_FOUND for confirmCheckout, absent from myOrders, its key is not shared", async () => {
    const key = freshKey();
    const mine = await p.stack.query(START, { items: CART, idempotencyKey: key }, alice);
    const orderId = mine.json.data.startCheckout.order.id as string;

    const peek = await p.stack.query(ORDER, { id: orderId }, bob);
    expect(peek.json.errors).toBeUndefined();
    expect(peek.json.data).toEqual({ order: null });
    const confirm = await p.stack.query(CONFIRM, { orderId }, bob);
    expect(firstErrorCode(confirm.json)).toBe('NOT_FOUND');
    expect(confirm.json.data).toBeNull();
    const list = await p.stack.query(MY_ORDERS, { first: 50 }, bob);
    expect(list.json.data.myOrders.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(orderId);
    // The same idempotency key is Bob's own new checkout, never Alice's order.
    const bobs = await p.stack.query(START, { items: [line('prod_0004')], idempotencyKey: key }, bob);
    expect(bobs.json.errors).toBeUndefined();
    expect(bobs.json.data.startCheckout.order.id).not.toBe(orderId);
    // An order that does not exist at all looks the same as another user's.
    expect((await p.stack.query(ORDER, { id: 'ord_aaaaaaaaaaaaaaaaaaaa' }, alice)).json.data).toEqual({ order: null });
    expect(firstErrorCode((await p.stack.query(CONFIRM, { orderId: 'ord_aaaaaaaaaaaaaaaaaaaa' }, alice)).json)).toBe('NOT_FOUND');
  });

  it('myOrders pages newest first, without overlap or gaps', async () => {
    const carol = { authorization: `Bearer ${await p.sandbox.identity.oidc.signAccessToken({ sub: 'usr_0092' })}` };
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await p.stack.query(START, { items: [line('prod_0003', i + 1)], idempotencyKey: freshKey() }, carol);
      created.push(res.json.data.startCheckout.order.id as string);
    }
    const seen: string[] = [];
    let after: string | null = null;
    const pages: number[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const res = await p.stack.query(MY_ORDERS, { first: 2, after }, carol);
      expect(res.json.errors).toBeUndefined();
      const page = res.json.data.myOrders as { edges: { cursor: string; node: { id: string } }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
      pages.push(page.edges.length);
      seen.push(...page.edges.map((e) => e.node.id));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toEqual([2, 2, 1]);
    expect(seen).toEqual([...created].reverse());
    // Alice's cursor on Carol's list shows nothing of Alice's.
    const alicePage = await p.stack.query(MY_ORDERS, { first: 1 }, alice);
    const aliceCursor = alicePage.json.data.myOrders.pageInfo.endCursor as string;
    const crossed = await p.stack.query(MY_ORDERS, { first: 50, after: aliceCursor }, carol);
    for (const edge of crossed.json.data.myOrders.edges as { node: { id: string } }[]) expect(created).toContain(edge.node.id);
  });
});
