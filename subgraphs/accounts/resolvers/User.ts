import type { AccountsContext } from '../context.js';
import type { UserProfile } from '../model.js';

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const User = {
  /** Every author of a page arrives in one `_entities` call and leaves as one vendor lookup. */
  __resolveReference(ref: { id: string }, ctx: AccountsContext): Promise<UserProfile | null> | null {
    if (typeof ref.id !== 'string' || !USER_ID.test(ref.id)) return null;
    return ctx.userById.load(ref.id);
  },
};
