/**
 * The OAuth 2.0 / OpenID Connect side of IdentiCo, for tests and the sandbox's control API.
 * There is deliberately no way to get a private key out: tests that need forged tokens
 * (wrong signature, unknown key) make their own keys.
 */
export interface IdentityIssuerControl {
  /** The vendor's base URL (or the `issuer` option): the `iss` of every token. */
  readonly issuer: string;
  /** The `aud` of every access token. */
  readonly audience: string;
  /** A new active signing key; earlier ones stay in the JWKS as retiring, so tokens they signed still verify. */
  rotateKeys(): Promise<{ activeKid: string; retiringKids: string[] }>;
  /** Drops every non-active key from the JWKS: tokens they signed stop verifying. */
  retireKeys(): { removedKids: string[] };
  activeKid(): string;
  /**
   * Tests only: signs an access token with the issuer's real active key (or the published key
   * `kid`). `claims` are merged over a valid access token's claims (iss, aud, iat, nbf, exp,
   * jti, scope `openid profile reviews:write`, client_id `mobile-app`; no sub unless given);
   * a claim set to `undefined` is left out. E.g. `{ sub: 'usr_0001', exp: past }` for an expired
   * token, `{ aud: 'someone-else' }`. `header` is merged over `{ kid, typ: 'at+jwt' }`; alg is always RS256.
   */
  signAccessToken(claims: Record<string, unknown>, options?: { kid?: string; header?: Record<string, unknown> }): Promise<string>;
  /** Lifetime of access tokens issued from now on (integer seconds, 1..86400). */
  setAccessTokenTtl(seconds: number): void;
}
