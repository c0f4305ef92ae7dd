import { accounts } from './accounts.js';
import type { BenchSubgraph } from './BenchSubgraph.js';
import { inventory } from './inventory.js';
import { products } from './products.js';
import { reviews } from './reviews.js';

/** The benchmark's four subgraphs, in the order of the supergraph's `join__Graph`. */
export const benchSubgraphs: readonly BenchSubgraph[] = [accounts, inventory, products, reviews];

export type BenchSubgraphName = BenchSubgraph['name'];
