/** Every scope IdentiCo knows, in the order granted scopes are written. */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'reviews:write'] as const;
export type Scope = (typeof SUPPORTED_SCOPES)[number];

/** Granted when a request names no scope (the password grant adds offline_access). */
export const DEFAULT_SCOPES: readonly Scope[] = ['openid', 'profile', 'reviews:write'];

export const isSupportedScope = (s: string): s is Scope => (SUPPORTED_SCOPES as readonly string[]).includes(s);

/** Canonical order, duplicates removed. */
const sortScopes = (scopes: Iterable<Scope>): Scope[] => {
  const set = new Set(scopes);
  return SUPPORTED_SCOPES.filter((s) => set.has(s));
};

export type ScopeDecision = { ok: true; scopes: Scope[] } | { ok: false; description: string };

/**
 * Scopes granted = requested ∩ allowed for the client (RFC 6749 §3.3 lets the server narrow
 * silently; the response's `scope` says what was granted). A scope the issuer does not know
 * at all is an error, and so is a request left with nothing.
 */
export function grantScopes(requested: string | undefined, allowed: readonly Scope[], defaults: readonly Scope[]): ScopeDecision {
  const names = requested === undefined ? [...defaults] : requested.split(' ').filter((s) => s.length > 0);
  const unknown = names.filter((s) => !isSupportedScope(s));
  if (unknown.length > 0) {
    return { ok: false, description: `Unknown scope ${unknown.map((s) => JSON.stringify(s.slice(0, 50))).join(', ')}; supported: ${SUPPORTED_SCOPES.join(' ')}.` };
  }
  const granted = sortScopes(names.filter(isSupportedScope).filter((s) => allowed.includes(s)));
  if (granted.length === 0) return { ok: false, description: 'None of the requested scopes is allowed for this client.' };
  return { ok: true, scopes: granted };
}

/** For a refresh: the requested scopes must all be in the original grant (RFC 6749 §6). */
export function narrowScopes(requested: string | undefined, original: readonly Scope[]): ScopeDecision {
  if (requested === undefined) return { ok: true, scopes: [...original] };
  const decision = grantScopes(requested, SUPPORTED_SCOPES, []);
  if (!decision.ok) return decision;
  const extra = decision.scopes.filter((s) => !original.includes(s));
  if (extra.length > 0) return { ok: false, description: `Scope ${extra.join(' ')} was not granted originally.` };
  return decision;
}
