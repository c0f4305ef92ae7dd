/** The reviews subgraph's own models (what resolvers return), independent of the vendor's names. */
export interface Review {
  readonly id: string;
  readonly productId: string;
  readonly authorId: string | null;
  readonly rating: number;
  readonly title: string;
  readonly body: string;
  readonly createdAt: string;
}

export interface ProductRating {
  readonly productId: string;
  readonly average: number | null;
  readonly count: number;
}

export interface ProductReviews {
  readonly productId: string;
  readonly total: number;
  readonly reviews: readonly Review[];
}

/** A review to post, already validated and trimmed. */
export interface NewReview {
  readonly productId: string;
  readonly userId: string;
  readonly rating: number;
  readonly title: string;
  readonly body: string;
  /** Same review → same key, so a retried mutation never posts twice. */
  readonly idempotencyKey: string;
}
