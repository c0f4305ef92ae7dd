import { AppError } from '../../../platform/errors/AppError.js';
import type { Viewer } from '../../../platform/identity/Viewer.js';
import { allow, and, deny, not, or, rule, type ShieldRule } from './shieldModules.js';

export type { ShieldRule } from './shieldModules.js';
/** Combinators for rules. (`chain` and `race` are left out on purpose: see shieldModules.ts.) */
export { and, or, not };

/** What every rule reads from the per-request context. */
interface AuthContext {
  readonly viewer: Viewer | null;
}

/*
 * Rule results are cached by graphql-shield per request (in the context), keyed by the
 * rule's name, so names must be unique per meaning:
 *  - 'contextual': the answer depends on the context only (who is calling), so it is
 *    computed once per request however many fields use it;
 *  - 'strict': the answer also depends on parent and args (key = hash of both);
 *  - 'no_cache': computed for every field; right when the check is cheaper than the hash.
 * A rule answers `true`, or an `AppError` that says why not (the client sees its code).
 */

/** Signing in is the fix, whichever rule found the caller anonymous. */
const signInRequired = () => new AppError('UNAUTHENTICATED', 'Sign in to do this.');

/**
 * The caller is signed in. Cache 'contextual': it depends only on the request's viewer,
 * so one check serves every field of the request.
 */
export const isAuthenticated: ShieldRule = rule('isAuthenticated', { cache: 'contextual' })((_parent: unknown, _args: unknown, ctx: AuthContext) =>
  ctx.viewer !== null ? true : signInRequired(),
);

const scopeRules = new Map<string, ShieldRule>();
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 §3.3 scope-token

/**
 * The caller's token carries `scope`. Anonymous callers get UNAUTHENTICATED (signing in is
 * the fix), signed-in callers without the scope FORBIDDEN naming it. Cache 'contextual'
 * (context only); one rule per scope, named after it, so that two scopes never share a
 * cached answer and `hasScope('x')` twice is the same rule (shield refuses two rules with
 * one name).
 */
export function hasScope(scope: string): ShieldRule {
  if (!SCOPE.test(scope)) throw new TypeError(`hasScope: ${JSON.stringify(scope)} is not an OAuth scope`);
  let scopeRule = scopeRules.get(scope);
  if (scopeRule === undefined) {
    scopeRule = rule(`hasScope(${scope})`, { cache: 'contextual' })((_parent: unknown, _args: unknown, ctx: AuthContext) => {
      if (ctx.viewer === null) return signInRequired();
      return ctx.viewer.scopes.includes(scope) ? true : new AppError('FORBIDDEN', `This needs the ${scope} permission.`);
    });
    scopeRules.set(scope, scopeRule);
  }
  return scopeRule;
}

let ownerRules = 0;

/**
 * The parent object belongs to the caller: `ownerIdOf(parent)` is the caller's user id.
 * Anyone else (anonymous included) gets FORBIDDEN and the field is null. Cache 'no_cache':
 * the answer depends on the parent, and comparing two ids is cheaper than the parent hash
 * that 'strict' would compute for every row ('contextual' would be wrong: one user's
 * answer reused for another's row). `ownerIdOf` throwing or returning null → refused.
 */
export function isOwner<TParent>(ownerIdOf: (parent: TParent) => string | null): ShieldRule {
  ownerRules += 1;
  return rule(`isOwner#${ownerRules}`, { cache: 'no_cache' })((parent: TParent, _args: unknown, ctx: AuthContext) => {
    const owner = ownerIdOf(parent);
    return ctx.viewer !== null && owner !== null && ctx.viewer.userId === owner
      ? true
      : new AppError('FORBIDDEN', 'Only its owner can see this.');
  });
}

/** Public: anyone, signed in or not. */
export const allowAll: ShieldRule = allow;

/** Nobody (FORBIDDEN). What every field without a rule gets anyway (`fallbackRule`). */
export const denyAll: ShieldRule = deny;
