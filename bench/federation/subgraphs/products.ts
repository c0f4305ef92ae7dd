import { NONCE_ARGUMENT, type BenchSubgraph } from './BenchSubgraph.js';

interface Product {
  readonly upc: string;
  readonly name: string;
  readonly price: number;
  readonly weight: number;
}

const catalogue: readonly Product[] = [
  { upc: '1', name: 'Table', price: 899, weight: 100 },
  { upc: '2', name: 'Couch', price: 1299, weight: 1000 },
  { upc: '3', name: 'Glass', price: 15, weight: 20 },
  { upc: '4', name: 'Chair', price: 499, weight: 100 },
  { upc: '5', name: 'TV', price: 1299, weight: 1000 },
  { upc: '6', name: 'Lamp', price: 6999, weight: 300 },
  { upc: '7', name: 'Grill', price: 3999, weight: 2000 },
  { upc: '8', name: 'Fridge', price: 100000, weight: 6000 },
  { upc: '9', name: 'Sofa', price: 9999, weight: 800 },
];

/** The product catalogue: `topProducts` is the first `first` (default 5) of nine products. */
export const products: BenchSubgraph = {
  name: 'products',
  sdl: `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      topProducts(first: Int = 5): [Product]
    }

    type Product @key(fields: "upc") {
      upc: String!
      name(${NONCE_ARGUMENT}: String): String
      price: Int
      weight: Int
    }
  `,
  resolvers: {
    Query: {
      topProducts: (_: unknown, { first }: { first?: number | null }) => catalogue.slice(0, Math.max(0, first ?? 5)),
    },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => catalogue.find((product) => product.upc === upc) ?? null,
    },
  },
};
