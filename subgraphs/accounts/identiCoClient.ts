import type { VendorClient } from '../kit/vendor/createVendorClient.js';
import { list, obj, str, strOrNull } from '../kit/vendor/shape.js';
import type { UserProfile } from './model.js';

function parseUser(value: unknown, path: string): UserProfile {
  const o = obj(value, path);
  return {
    id: str(o.user_id, `${path}.user_id`),
    displayName: str(o.name, `${path}.name`),
    avatarUrl: strOrNull(o.picture, `${path}.picture`),
    email: str(o.email, `${path}.email`),
  };
}

/** The identity vendor's user API as validated kit operations. */
export function createIdentityVendorClient(vendor: VendorClient) {
  return {
    // A POST, but a read: safe to retry.
    usersByIds: vendor.operation<readonly string[], UserProfile[]>({
      name: 'users.lookup',
      idempotent: true,
      request: (ids) => ({ method: 'POST', path: '/api/users/lookup', body: { ids } }),
      parse: (json) => list(obj(json, 'body').users, 'body.users', parseUser),
    }),
  };
}

export type IdentityVendorClient = ReturnType<typeof createIdentityVendorClient>;
