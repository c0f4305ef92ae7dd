import type { AccountsContext } from '../context.js';
import { checkRefreshToken, checkSignIn, checkSignUp } from '../credentials.js';
import { userCacheKey } from '../loaders.js';
import type { AuthPayload, Session, UserProfile } from '../model.js';

/** Open to anonymous callers (that is their point); the identity provider decides. */
export const Mutation = {
  /**
   * Creates the account at the provider, then signs it in with the same credentials
   * (password grant). An email that already has an account is signed in with those
   * credentials instead: tokens when the password is that account's, otherwise the wrong
   * password answer of `signIn`. Never "this email has an account", and the same vendor
   * calls either way (one sign-up, one password grant), so no faster answer gives it away.
   */
  async signUp(_: unknown, args: { input: { email: string; password: string; displayName: string } }, ctx: AccountsContext): Promise<AuthPayload> {
    const input = checkSignUp(args.input);
    const call = ctx.call;
    const created = await ctx.identity.signUp(input, call);
    if (created === 'taken') {
      const session = await ctx.identity.signIn({ email: input.email, password: input.password }, call, 'signUp');
      return payload(session, await userOf(session, ctx));
    }
    const user = created;
    // A lookup of this id before it existed may have cached "no such user".
    await ctx.cache.delete(userCacheKey(user.id));
    // If this fails (provider unavailable), the account exists: the client signs in next.
    const session = await ctx.identity.signIn({ email: input.email, password: input.password }, call, 'signUp');
    return payload(session, user);
  },

  async signIn(_: unknown, args: { input: { email: string; password: string } }, ctx: AccountsContext): Promise<AuthPayload> {
    const session = await ctx.identity.signIn(checkSignIn(args.input), ctx.call);
    return payload(session, await userOf(session, ctx));
  },

  async refreshSession(_: unknown, args: { refreshToken: string }, ctx: AccountsContext): Promise<AuthPayload> {
    const session = await ctx.identity.refresh(checkRefreshToken(args.refreshToken), ctx.call);
    return payload(session, await userOf(session, ctx));
  },
};

async function userOf(session: Session, ctx: AccountsContext): Promise<UserProfile> {
  const user = await ctx.userById.load(session.userId);
  // The issuer just signed a token for this user; a lookup that cannot find them is the provider's inconsistency.
  if (user === null) throw new Error(`identity provider issued tokens for ${session.userId}, which its user lookup does not know`);
  return user;
}

function payload(session: Session, user: UserProfile): AuthPayload {
  const { accessToken, refreshToken, tokenType, expiresIn, scope } = session;
  return { accessToken, refreshToken, tokenType, expiresIn, scope, user };
}
