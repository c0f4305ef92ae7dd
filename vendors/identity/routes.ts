import { byIdRoute } from '../sandbox/byIdRoute.js';
import { checkedIds, jsonObjectBody } from '../sandbox/params.js';
import type { RequestBody, Route } from '../sandbox/types.js';
import { VendorHttpError } from '../sandbox/VendorHttpError.js';
import type { UserDirectory } from './UserDirectory.js';

export const LOOKUP_MAX_BATCH = 100;

function lookupIds(body: RequestBody): string[] {
  const ids = jsonObjectBody(body).ids;
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) {
    throw VendorHttpError.badRequest("'ids' must be an array of user id strings");
  }
  return ids;
}

function lookupBatchSize(body: RequestBody): number | null {
  if (body.kind !== 'json' || body.value === null || typeof body.value !== 'object') return null;
  const ids: unknown = (body.value as Record<string, unknown>).ids;
  return Array.isArray(ids) ? ids.length : null;
}

/** IdentiCo's user API (seeded users and this instance's sign-ups alike). */
export function identityRoutes(users: UserDirectory): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/api/users/lookup',
      reads: true,
      batchSize: ({ body }) => lookupBatchSize(body),
      handle({ body }) {
        const ids = checkedIds(lookupIds(body), 'ids', LOOKUP_MAX_BATCH);
        // Storage order, unknown ids omitted: callers map results back by user_id.
        return { status: 200, body: { users: users.lookup(ids) } };
      },
    },
    byIdRoute('/api/users/:id', 'user', (id) => users.byId(id)),
  ];
}
