const ENTITY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What an id from a client or another subgraph must look like before it goes anywhere
 * near a vendor: letters, digits, `_` and `-`, at most 64. It ends up in vendor URLs and
 * comma-separated batch parameters, so a `/`, `?` or `,` must never get through.
 */
export function isEntityId(value: unknown): value is string {
  return typeof value === 'string' && ENTITY_ID.test(value);
}

/** How BAD_USER_INPUT describes an id that failed `isEntityId`. */
export const ENTITY_ID_EXPECTED = 'an id of letters, digits, "_" or "-" (at most 64)';
