import { NONCE_ARGUMENT, type BenchSubgraph } from './BenchSubgraph.js';

interface Stock {
  readonly upc: string;
  readonly inStock: boolean;
  readonly price?: number;
  readonly weight?: number;
}

const stock: readonly Stock[] = [
  { upc: '1', inStock: true },
  { upc: '2', inStock: false },
  { upc: '3', inStock: false },
  { upc: '4', inStock: false },
  { upc: '5', inStock: true },
  { upc: '6', inStock: true },
  { upc: '7', inStock: true },
  { upc: '8', inStock: false },
  { upc: '9', inStock: true },
];

/** Stock and shipping of products; `shippingEstimate` requires the price and weight the products subgraph owns. */
export const inventory: BenchSubgraph = {
  name: 'inventory',
  sdl: `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])

    type Product @key(fields: "upc") {
      upc: String!
      weight: Int @external
      price: Int @external
      inStock(${NONCE_ARGUMENT}: String): Boolean
      shippingEstimate(${NONCE_ARGUMENT}: String): Int @requires(fields: "price weight")
    }
  `,
  resolvers: {
    Product: {
      // As the original's entity resolver: it returns the stored row by upc and drops the price
      // and weight the gateway sent, so shippingEstimate is always null. Kept, so that answers
      // (88 KB of them) equal the public benchmark's.
      __resolveReference: ({ upc }: { upc: string }) => stock.find((row) => row.upc === upc) ?? null,
      shippingEstimate: ({ price, weight }: Stock) => {
        if (price === undefined) return null;
        if (price > 1000) return 0;
        return weight === undefined ? null : Math.trunc(weight / 2);
      },
    },
  },
};
