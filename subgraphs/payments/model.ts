/** One product's payments, as this subgraph serves it (GraphQL type `Payments`). */
export interface Payments {
  readonly productId: string;
  readonly locale: string;
  readonly label: string;
  readonly score: number | null;
  readonly updatedAt: string;
}
