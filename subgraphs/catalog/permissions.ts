import { createPermissions, type PermissionRules } from '../kit/auth/createPermissions.js';
import { allowAll } from '../kit/auth/rules.js';

/**
 * Mirrors schema.graphql: the catalogue is public. Every type is listed, so a type or field
 * added to the schema without a rule here is refused (fallback: deny) and fails
 * permissions.test.ts. Federation's `_service` / `_entities` are handled by the kit.
 */
export const catalogRules = {
  Query: { products: allowAll, product: allowAll },
  Product: { '*': allowAll },
  Money: { '*': allowAll },
  ProductConnection: { '*': allowAll },
  ProductEdge: { '*': allowAll },
  PageInfo: { '*': allowAll },
} satisfies PermissionRules;

export const catalogPermissions = createPermissions(catalogRules);
