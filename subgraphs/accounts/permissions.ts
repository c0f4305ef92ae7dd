import { createPermissions, type PermissionRules } from '../kit/auth/createPermissions.js';
import { allowAll, isOwner } from '../kit/auth/rules.js';
import type { UserProfile } from './model.js';

/**
 * Mirrors schema.graphql. Signing up, in and refreshing are for anonymous callers; `me`
 * is open (null when anonymous); a profile is public except its email, which only its
 * owner sees, however it is reached (`me`, `_entities` from the gateway, `AuthPayload`).
 * Every type is listed, so a type or field added without a rule is refused (fallback:
 * deny) and fails permissions.test.ts. Federation's `_service` / `_entities` are handled by the kit.
 */
export const accountsRules = {
  Query: { me: allowAll },
  Mutation: { signUp: allowAll, signIn: allowAll, refreshSession: allowAll },
  AuthPayload: { '*': allowAll },
  User: {
    id: allowAll,
    displayName: allowAll,
    avatarUrl: allowAll,
    email: isOwner((user: UserProfile) => user.id),
  },
} satisfies PermissionRules;

export const accountsPermissions = createPermissions(accountsRules);
