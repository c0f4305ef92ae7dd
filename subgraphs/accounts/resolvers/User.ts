import type { AccountsContext } from '../context.js';
import type { UserProfile } from '../model.js';
import { isEntityId } from '../../kit/server/isEntityId.js';

export const User = {
  /** Every author of a page arrives in one `_entities` call and leaves as one vendor lookup. */
  __resolveReference(ref: { id: string }, ctx: AccountsContext): Promise<UserProfile | null> | null {
    if (!isEntityId(ref.id)) return null;
    return ctx.userById.load(ref.id);
  },
};
