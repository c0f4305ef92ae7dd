import type { Database } from '../../../platform/db/Database.js';

/** Who reviewed which product, learnt from review.created: whom a later review of it concerns. */
export class ProductReviewers {
  constructor(private readonly db: Database) {}

  /**
   * Records the author; a redelivered or later event moves nothing (the first review's time is
   * kept, so a second review never drops the author from an earlier event still being pushed).
   */
  async record(productId: string, userId: string, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO product_reviewers (product_id, user_id, first_review_at) VALUES ($1, $2, $3)
       ON CONFLICT (product_id, user_id) DO UPDATE SET first_review_at = least(product_reviewers.first_review_at, EXCLUDED.first_review_at)`,
      [productId, userId, at],
    );
  }

  /**
   * The product's other reviewers as of `at`, newest first, at most `limit`. Bounded by `at`
   * so that processing the same event again finds the same people, not later reviewers.
   */
  async othersOf(productId: string, authorId: string, at: Date, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ user_id: string }>(
      `SELECT user_id FROM product_reviewers WHERE product_id = $1 AND user_id <> $2 AND first_review_at <= $3
        ORDER BY first_review_at DESC, user_id LIMIT $4`,
      [productId, authorId, at, limit],
    );
    return rows.map((r) => r.user_id);
  }
}
