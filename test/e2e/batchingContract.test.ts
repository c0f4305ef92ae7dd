import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type SubgraphName } from '../harness/startStack.js';

/**
 * The vendors answer batches in their own storage order and silently drop unknown ids.
 * Asking the subgraphs directly (as the gateway does) with keys in another order must
 * give each key its own row, and null for the dropped ones: never a shifted row.
 */
describe('batching contract across the real vendor boundary', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  /** `_entities` of one type by id, asked of the subgraph directly, as the gateway asks. */
  async function entities(subgraph: SubgraphName, typename: string, ids: string[], fields: string) {
    const res = await fetch(stack.subgraph(subgraph).url, {
      method: 'POST',
      // As the gateway does: a subgraph answers only a request carrying its signed identity.
      headers: { 'content-type': 'application/json', 'x-gateway-identity': await stack.signIdentity(null, subgraph) },
      body: JSON.stringify({
        query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${fields} } } }`,
        variables: { r: ids.map((id) => ({ __typename: typename, id })) },
      }),
    });
    return (await res.json()) as { data: { _entities: (Record<string, unknown> | null)[] }; errors?: unknown[] };
  }

  it('users: reversed order, duplicates and unknown ids map back by key in one vendor call', async () => {
    const ids = ['usr_0900', 'usr_9999', 'usr_0002', 'usr_0450', 'usr_0002', 'usr_0001'];
    stack.resetVendorStats();
    const res = await entities('accounts', 'User', ids, 'id displayName');
    expect(res.errors).toBeUndefined();
    expect(res.data._entities.map((u) => u?.id ?? null)).toEqual(['usr_0900', null, 'usr_0002', 'usr_0450', 'usr_0002', 'usr_0001']);
    const stats = stack.sandbox.identity.control.stats();
    expect(stats.total).toBe(1);
    // Deduped before the vendor: five distinct ids.
    expect(Object.values(stats.byRoute)[0]!.batchSizes).toEqual([5]);
  });

  it('products: rows out of order and missing ids never shift; batches split at the vendor maximum', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `prod_${String(500 - i * 4).padStart(4, '0')}`);
    ids.splice(7, 0, 'prod_nope');
    stack.resetVendorStats();
    const res = await entities('catalog', 'Product', ids, 'id name');
    expect(res.errors).toBeUndefined();
    const got = res.data._entities.map((p) => p?.id ?? null);
    expect(got).toEqual(ids.map((id) => (id === 'prod_nope' || Number(id.slice(5)) < 1 ? null : id)));
    const sizes = Object.values(stack.sandbox.commerce.control.stats().byRoute).flatMap((r) => r.batchSizes);
    expect(sizes.sort((a, b) => b - a)).toEqual([50, 50, 21]);
  });

  it('ids that are not ids never reach a vendor batch parameter (a comma would smuggle in more ids)', async () => {
    stack.resetVendorStats();
    const res = await entities('reviews', 'Product', ['prod_0001,prod_0004', '../v2/reviews', 'prod_0001'], 'id rating { count }');
    expect(res.data._entities.map((p) => p?.id ?? null)).toEqual([null, null, 'prod_0001']);
    const calls = stack.sandbox.reviews.control.stats().calls;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.batchSize).toBe(1);
  });
});
