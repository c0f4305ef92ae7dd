import { byNewest, ratingOf, REVIEW_COUNT, reviewById, reviewsForProduct, type Rating, type Review } from './data.js';

export interface NewReview {
  product_id: string;
  user_id: string;
  stars: number;
  headline: string;
  text: string;
}

/**
 * One vendor instance's reviews: the shared, frozen seed plus what was written to this
 * instance, so that two sandboxes (two test files) never see each other's writes.
 */
export class ReviewStore {
  private readonly added = new Map<string, Review[]>();
  private readonly addedById = new Map<string, Review>();
  private nextId = REVIEW_COUNT + 1;

  /** Newest first. */
  forProduct(productId: string): readonly Review[] {
    const seed = reviewsForProduct(productId);
    const extra = this.added.get(productId);
    return extra === undefined ? seed : [...extra, ...seed].sort(byNewest);
  }

  rating(productId: string): Rating | null {
    return ratingOf(productId, this.forProduct(productId));
  }

  byId(id: string): Review | undefined {
    return this.addedById.get(id) ?? reviewById(id);
  }

  hasReviewBy(userId: string, productId: string): boolean {
    return this.forProduct(productId).some((r) => r.user_id === userId);
  }

  add(input: NewReview, now: Date): Review {
    const review: Review = Object.freeze({
      id: `rev_${String(this.nextId++).padStart(5, '0')}`,
      product_id: input.product_id,
      user_id: input.user_id,
      stars: input.stars,
      headline: input.headline,
      text: input.text,
      created_at: now.toISOString(),
    });
    const list = this.added.get(review.product_id);
    if (list === undefined) this.added.set(review.product_id, [review]);
    else list.push(review);
    this.addedById.set(review.id, review);
    return review;
  }
}
