import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchBody, type BenchVariant } from '../../bench/federation/benchQueries.js';
import { BENCH_SUPERGRAPH_PATH, benchSupergraphDrift } from '../../bench/federation/benchSupergraph.js';
import { oursGatewayEnv } from '../../bench/federation/oursGatewayEnv.js';
import { startBenchSubgraphs, type RunningBenchSubgraphs } from '../../bench/federation/startBenchSubgraphs.js';
import { parseGatewayConfig } from '../../gateway/src/config.js';
import { createGateway, type Gateway } from '../../gateway/src/createGateway.js';
import { startHttpServer, type RunningHttpServer } from '../../platform/http/startHttpServer.js';
import { generateIdentityKeys } from '../../platform/identity/generateIdentityKeys.js';
import { silentLogger } from '../harness/testSubgraphs.js';

/*
 * The short version of `npm run bench:federation`: the benchmark's four subgraphs and our
 * gateway with the benchmark's production settings, one heavy query per variant, no load.
 * The baseline (plain Apollo Gateway, its own install) is the runner's alone.
 */

/** Apollo's planner splits the heavy query into 16 fetches; each subgraph's share. */
const FETCHES_PER_OPERATION = { accounts: 3, inventory: 7, products: 4, reviews: 2 };

interface User {
  id: string;
  username: string;
  name: string;
  reviews: Review[];
}
interface Review {
  id: string;
  body: string;
  product?: Product;
  author?: User;
}
interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
  inStock: boolean;
  shippingEstimate: number | null;
  reviews?: Review[];
}
interface Answer {
  data?: { users: User[]; topProducts: Product[] };
  errors?: unknown[];
}

const TABLE = { upc: '1', name: 'Table', price: 899, weight: 100, inStock: true, shippingEstimate: null };
const ids = (list: { id: string }[] | undefined) => list?.map((item) => item.id);

let subgraphs: RunningBenchSubgraphs;
let gateway: Gateway;
let http: RunningHttpServer;

beforeAll(async () => {
  subgraphs = await startBenchSubgraphs();
  const { privateJwk } = await generateIdentityKeys();
  const config = parseGatewayConfig({
    ...oursGatewayEnv({ subgraphUrls: subgraphs.urls, identityPrivateKey: privateJwk }),
    // A cold gateway on a busy machine may take over the production budget (1 s) on its first
    // query: this test checks answers, not speed.
    REQUEST_BUDGET_MS: '60000',
    SUBGRAPH_TIMEOUT_MS: '60000',
  });
  gateway = createGateway({ config, supergraphSdl: readFileSync(BENCH_SUPERGRAPH_PATH, 'utf8'), logger: silentLogger });
  await gateway.start();
  http = await startHttpServer(gateway.handler, { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await http?.close(1_000);
  await gateway?.stop();
  await subgraphs?.close();
});

async function query(variant: BenchVariant, nonce?: string): Promise<{ status: number; answer: Answer }> {
  const res = await fetch(`${http.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: benchBody(variant, nonce) });
  return { status: res.status, answer: (await res.json()) as Answer };
}

const requestsPerSubgraph = () => Object.fromEntries(Object.entries(subgraphs.stats()).map(([name, s]) => [name, s.requests]));
const distinctPerSubgraph = () => Object.fromEntries(Object.entries(subgraphs.stats()).map(([name, s]) => [name, s.distinctBodies]));

describe('federation benchmark: our gateway on the public benchmark\'s subgraphs', () => {
  it('has a committed supergraph that is what the bench subgraphs compose to', () => {
    expect(benchSupergraphDrift()).toBeUndefined();
  });

  it('answers the heavy query in full, under production settings, as the subgraphs\' data says, in the 16 fetches of its plan', async () => {
    subgraphs.resetStats();
    const { status, answer } = await query('identical');

    expect(status).toBe(200);
    expect(answer.errors).toBeUndefined();
    const { users, topProducts } = answer.data!;
    expect(users.map((u) => [u.id, u.username, u.name])).toEqual([
      ['1', 'urigo', 'Uri Goldshtein'],
      ['2', 'dotansimha', 'Dotan Simha'],
      ['3', 'kamilkisiela', 'Kamil Kisiela'],
      ['4', 'ardatan', 'Arda Tanrikulu'],
      ['5', 'gilgardosh', 'Gil Gardosh'],
      ['6', 'laurin', 'Laurin Quast'],
    ]);
    // The original's quirks: every user's reviews are the first two, every author is urigo.
    for (const user of users) {
      expect(ids(user.reviews)).toEqual(['1', '2']);
      for (const review of user.reviews) {
        const { reviews, ...product } = review.product!;
        expect(product).toEqual(TABLE);
        expect(ids(reviews)).toEqual(['1', '2', '3', '4']);
        for (const { author } of reviews!) {
          expect([author!.id, author!.username, author!.name]).toEqual(['1', 'urigo', 'Uri Goldshtein']);
          expect(author!.reviews.map((r) => [r.id, r.product])).toEqual([['1', TABLE], ['2', TABLE]]);
        }
      }
    }
    expect(users[0]!.reviews[0]!.body).toMatch(/^Lorem ipsum dolor sit amet, .* id est laborum\.$/);
    expect(topProducts.map((p) => [p.upc, p.name, p.price, p.weight, p.inStock, p.shippingEstimate])).toEqual([
      ['1', 'Table', 899, 100, true, null],
      ['2', 'Couch', 1299, 1000, false, null],
      ['3', 'Glass', 15, 20, false, null],
      ['4', 'Chair', 499, 100, false, null],
      ['5', 'TV', 1299, 1000, true, null],
    ]);
    expect(topProducts.map((p) => ids(p.reviews))).toEqual([['1', '2', '3', '4'], ['5', '6', '7', '8'], ['9'], ['10', '11'], []]);
    expect(JSON.stringify(answer).length).toBeGreaterThan(85_000);

    expect(requestsPerSubgraph()).toEqual(FETCHES_PER_OPERATION);
    // No two fetches of one operation ask the same: a deduplication inside one request has nothing to merge.
    expect(distinctPerSubgraph()).toEqual(FETCHES_PER_OPERATION);
  });

  it('gives the varied variant the same answer, with every subgraph fetch of one request different from every fetch of another', async () => {
    const reference = await query('identical');
    subgraphs.resetStats();
    const first = await query('varied', 'first');
    const second = await query('varied', 'second');

    expect(first.status).toBe(200);
    // The data: extensions carry each request's own id.
    expect(first.answer.errors).toBeUndefined();
    expect(first.answer.data).toEqual(reference.answer.data);
    expect(second.answer.data).toEqual(reference.answer.data);
    const twice = Object.fromEntries(Object.entries(FETCHES_PER_OPERATION).map(([name, n]) => [name, 2 * n]));
    expect(requestsPerSubgraph()).toEqual(twice);
    expect(distinctPerSubgraph()).toEqual(twice);
  });

  it('shows the identical variant\'s fetches are the same from one request to the next (what deduplication may merge)', async () => {
    await query('identical');
    subgraphs.resetStats();
    await query('identical');
    await query('identical');

    expect(requestsPerSubgraph()).toEqual(Object.fromEntries(Object.entries(FETCHES_PER_OPERATION).map(([name, n]) => [name, 2 * n])));
    expect(distinctPerSubgraph()).toEqual(FETCHES_PER_OPERATION);
  });
});
