import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';

/**
 * One subgraph of The Guild's federation-gateway benchmark
 * (github.com/graphql-hive/graphql-gateways-benchmark, `subgraphs/*.rs`), rewritten for Node:
 * the same schema, data and quirks, so that an answer here equals an answer there.
 */
export interface BenchSubgraph {
  readonly name: 'accounts' | 'inventory' | 'products' | 'reviews';
  /** Federation 2 SDL. */
  readonly sdl: string;
  readonly resolvers: GraphQLResolverMap<unknown>;
}

/**
 * The optional argument this repo adds to fields of each subgraph (`name`, `inStock`,
 * `shippingEstimate`, `body`): resolvers ignore it, but a query that passes a variable to
 * them puts that variable in every subgraph fetch's body. The benchmark's `varied` variant sends a new value on each
 * request, so no two fetches of different requests are the same and in-flight deduplication
 * cannot merge them, while the document and its plan stay the same (cached as in a real app).
 */
export const NONCE_ARGUMENT = 'nonce';
