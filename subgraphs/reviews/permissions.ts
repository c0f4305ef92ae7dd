import { createPermissions, type PermissionRules } from '../kit/auth/createPermissions.js';
import { allowAll, and, hasScope, isAuthenticated } from '../kit/auth/rules.js';

/**
 * Mirrors schema.graphql. Reading ratings and reviews is public; writing a review needs a
 * signed-in user whose token has reviews:write. Every type is listed, so a type or field
 * added without a rule is refused (fallback: deny) and fails permissions.test.ts.
 * Federation's `_service` / `_entities` are handled by the kit.
 */
export const reviewsRules = {
  Mutation: { addReview: and(isAuthenticated, hasScope('reviews:write')) },
  Product: { id: allowAll, rating: allowAll, reviews: allowAll },
  Rating: { '*': allowAll },
  Review: { '*': allowAll },
  // A reference to the accounts subgraph's entity: only its key lives here.
  User: { id: allowAll },
} satisfies PermissionRules;

export const reviewsPermissions = createPermissions(reviewsRules);
