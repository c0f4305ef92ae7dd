import { describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/log/createLogger.js';
import { executeAs } from '../../test/harness/executeAs.js';
import { findLeaks } from '../../test/harness/leaks.js';
import { useSubgraphOnSandbox } from '../../test/harness/useSubgraphOnSandbox.js';
import { productById } from '../../vendors/commerce/data.js';
import { parseCatalogConfig } from './config.js';
import { createCatalogSubgraph } from './server.js';

/*
 * What the commerce vendor answers is checked before it reaches a phone (issue 7, item 9):
 * each bad value below is scripted at the sandbox vendor and must come out as null +
 * VENDOR_BAD_RESPONSE, with nothing of the bad value in the answer.
 */
const logger = createLogger({ service: 'catalog-answers-test', level: 'silent' });
const PRODUCTS = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { id name description price { amount currency } imageUrl category inStock } } }`;
const LISTING = `{ products { edges { node { id name imageUrl price { amount } } } pageInfo { hasNextPage } } }`;

const suite = useSubgraphOnSandbox({
  name: 'catalog-answers-test',
  logger,
  create: ({ sandbox, ...deps }) =>
    createCatalogSubgraph({
      ...deps,
      config: parseCatalogConfig({
        CATALOG_VENDOR_URL: sandbox.commerce.url,
        CATALOG_VENDOR_KEY: sandbox.commerce.apiKey,
        CATALOG_CACHE_TTL_MS: '0',
        CATALOG_RETRY_MAX_ATTEMPTS: '1',
        LOG_LEVEL: 'silent',
      }),
    }),
});

const vendor = () => suite.sandbox.commerce;
const codes = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) => (errors ?? []).map((e) => e.extensions?.code);
/** The sandbox's own record of a product, as the vendor sends it. */
const record = (id: string) => ({ ...productById(id)! });
const answer = (body: unknown) => vendor().control.setFaults({ script: [{ status: 200, body }] });
const products = (ids: readonly string[]) =>
  executeAs(suite.service, null, PRODUCTS, { variables: { reps: ids.map((id) => ({ __typename: 'Product', id })) } });

describe('catalog: a product that fails its checks is null + VENDOR_BAD_RESPONSE, the others are served', () => {
  it.each([
    { bad: 'a negative price', change: { price_cents: -1999 }, trace: '-19.99' },
    { bad: 'a javascript: image URL', change: { image_url: 'javascript:alert(document.cookie)' }, trace: 'javascript:' },
    { bad: 'an http: image URL', change: { image_url: 'http://images.example.com/x.jpg' }, trace: 'http://images' },
    { bad: 'a 200 KB name', change: { title: `Huge ${'N'.repeat(200 * 1024)}` }, trace: 'NNNNNNNNNN' },
    { bad: 'NUL characters in the name', change: { title: 'Nul\u0000Shoe' }, trace: 'Nul' },
    { bad: 'a control character in the description', change: { description: 'Bell\u0007 ringing' }, trace: 'Bell' },
    { bad: 'a float price', change: { price_cents: 19.5 }, trace: '0.19' },
    { bad: 'negative stock', change: { inventory_quantity: -5 }, trace: 'prod_0012"' },
  ])('$bad', async ({ change, trace }) => {
    answer({ data: [record('prod_0011'), { ...record('prod_0012'), ...change }] });
    const res = await products(['prod_0011', 'prod_0012']);
    expect(res.data._entities[0]).toMatchObject({ id: 'prod_0011', name: productById('prod_0011')!.title });
    expect(res.data._entities[1]).toBeNull();
    expect(codes(res.errors)).toEqual(['VENDOR_BAD_RESPONSE']);
    expect(res.errors?.[0]?.path).toEqual(['_entities', 1]);
    const text = JSON.stringify(res);
    expect(text).not.toContain(trace);
    expect(text.length).toBeLessThan(5000);
    expect(findLeaks(text, suite.sandbox)).toEqual([]);
  });

  it('an id not in the vendor’s shape is refused too (it would come back as an entity key)', async () => {
    answer({ data: [{ ...record('prod_0013'), id: 'prod_0013,prod_0014' }] });
    const res = await products(['prod_0013']);
    expect(res.data._entities).toEqual([null]);
    expect(codes(res.errors)).toEqual(['VENDOR_BAD_RESPONSE']);
  });

  it('more products than ids asked fails the whole call: every id null + VENDOR_BAD_RESPONSE', async () => {
    answer({ data: ['prod_0021', 'prod_0022', 'prod_0023'].map(record) });
    const res = await products(['prod_0021', 'prod_0022']);
    expect(res.data._entities).toEqual([null, null]);
    expect(codes(res.errors)).toEqual(['VENDOR_BAD_RESPONSE', 'VENDOR_BAD_RESPONSE']);
  });

  it('a listing page leaves a bad product out and serves the rest', async () => {
    const page = ['prod_0001', 'prod_0002', 'prod_0003'].map(record);
    answer({ data: [page[0], { ...page[1], image_url: 'javascript:alert(1)' }, page[2]], next_cursor: null, has_more: false });
    const res = await executeAs(suite.service, null, LISTING);
    expect(res.errors).toBeUndefined();
    expect(res.data.products.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(['prod_0001', 'prod_0003']);
    expect(JSON.stringify(res)).not.toContain('javascript:');
  });

  it('a listing page longer than the page size asked fails the call', async () => {
    answer({ data: Array.from({ length: 21 }, (_, i) => record(`prod_${String(i + 1).padStart(4, '0')}`)), next_cursor: null, has_more: false });
    const res = await executeAs(suite.service, null, LISTING);
    expect(res.data.products).toBeNull();
    expect(codes(res.errors)).toEqual(['VENDOR_BAD_RESPONSE']);
  });
});

describe('catalog: the body cap and a vendor 4xx on a read', () => {
  it('a 10 MB answer (over the 1 MiB default cap) is VENDOR_BAD_RESPONSE, not parsed', async () => {
    answer({ data: [{ ...record('prod_0031'), description: 'x'.repeat(10 * 1024 * 1024) }] });
    const res = await products(['prod_0031']);
    expect(res.data._entities).toEqual([null]);
    expect(codes(res.errors)).toEqual(['VENDOR_BAD_RESPONSE']);
  });

  it.each([400, 409, 422])('a %i to a query with no arguments is VENDOR_UNAVAILABLE, never BAD_USER_INPUT', async (status) => {
    vendor().control.setFaults({ script: [{ status }] });
    const res = await executeAs(suite.service, null, LISTING);
    expect(res.data.products).toBeNull();
    expect(codes(res.errors)).toEqual(['VENDOR_UNAVAILABLE']);
    expect(findLeaks(JSON.stringify(res), suite.sandbox)).toEqual([]);
  });

  it('a 400 to a product lookup is VENDOR_UNAVAILABLE too', async () => {
    vendor().control.setFaults({ script: [{ status: 400 }] });
    const res = await products(['prod_0041']);
    expect(res.data._entities).toEqual([null]);
    expect(codes(res.errors)).toEqual(['VENDOR_UNAVAILABLE']);
  });
});
