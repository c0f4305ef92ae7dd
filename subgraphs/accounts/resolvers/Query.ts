import type { AccountsContext } from '../context.js';
import type { UserProfile } from '../model.js';

export const Query = {
  /** The verified caller's profile (through the shared user loader); null when anonymous. */
  me(_: unknown, _args: unknown, ctx: AccountsContext): Promise<UserProfile | null> | null {
    return ctx.viewer === null ? null : ctx.userById.load(ctx.viewer.userId);
  },
};
