import { createPermissions, type PermissionRules } from '../kit/auth/createPermissions.js';
import { allowAll } from '../kit/auth/rules.js';

/**
 * Mirrors schema.graphql, deny by default: a type or field added to the schema without a
 * rule here is refused and fails permissions.test.ts. Public data: allowAll. For a user's
 * own data use `isAuthenticated`, `hasScope('…')` or `isOwner` (subgraphs/kit/auth/rules.ts).
 */
export const paymentsRules = {
  Product: { id: allowAll, payments: allowAll },
  Payments: { '*': allowAll },
} satisfies PermissionRules;

export const paymentsPermissions = createPermissions(paymentsRules);
