import { createHash, randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { RouteResponse } from '../../sandbox/types.js';
import type { IdentityUser } from '../data.js';
import type { RefreshTokenStore } from './refreshTokens.js';
import type { Scope } from './scopes.js';
import type { SigningKeyRing } from './signingKeys.js';
import { NO_STORE } from './oauthErrors.js';

export const DEFAULT_ACCESS_TOKEN_TTL_S = 900;
export const MAX_ACCESS_TOKEN_TTL_S = 86_400;
/** RFC 9068's media type for JWT access tokens, so an ID token can never pass for one. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

export interface IssueTokens {
  user: IdentityUser;
  clientId: string;
  /** Scopes of this access token. */
  scopes: readonly Scope[];
  /** Continue (or start) a refresh family; null = no refresh token. */
  refresh: { familyId: string; scopes: readonly Scope[] } | null;
  nonce: string | null;
  authTime: number;
}

const epochS = (ms: number): number => Math.floor(ms / 1000);

/** OIDC Core §3.1.3.6: the left half of SHA-256 of the access token, base64url. */
const atHash = (accessToken: string): string => createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');

/** Mints the issuer's tokens: JWT access tokens, ID tokens, and the token endpoint's answer. */
export class TokenIssuer {
  private ttlS = DEFAULT_ACCESS_TOKEN_TTL_S;

  constructor(
    private readonly deps: {
      keys: SigningKeyRing;
      issuer: () => string;
      audience: string;
      refreshTokens: RefreshTokenStore;
      clock: () => number;
    },
  ) {}

  setAccessTokenTtl(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_ACCESS_TOKEN_TTL_S) {
      throw new TypeError(`access token TTL must be an integer from 1 to ${MAX_ACCESS_TOKEN_TTL_S} seconds, got ${String(seconds)}`);
    }
    this.ttlS = seconds;
  }

  /** The claims of a normal access token: who, for whom, what for. Nothing personal. */
  accessTokenClaims(userId: string, clientId: string, scopes: readonly Scope[]): JWTPayload & { scope: string; client_id: string } {
    const iat = epochS(this.deps.clock());
    return {
      iss: this.deps.issuer(),
      sub: userId,
      aud: this.deps.audience,
      iat,
      nbf: iat,
      exp: iat + this.ttlS,
      jti: randomUUID(),
      scope: scopes.join(' '),
      client_id: clientId,
    };
  }

  async tokenResponse(t: IssueTokens): Promise<RouteResponse> {
    const claims = this.accessTokenClaims(t.user.user_id, t.clientId, t.scopes);
    const accessToken = await this.deps.keys.sign(claims, { header: { typ: ACCESS_TOKEN_TYP } });
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.ttlS,
      scope: claims.scope,
    };
    if (t.refresh !== null) {
      body.refresh_token = this.deps.refreshTokens.issue({
        clientId: t.clientId,
        userId: t.user.user_id,
        scopes: t.refresh.scopes,
        familyId: t.refresh.familyId,
        authTime: t.authTime,
      });
    }
    if (t.scopes.includes('openid')) body.id_token = await this.idToken(t, accessToken, claims.iat as number);
    return { status: 200, body, headers: { ...NO_STORE } };
  }

  /** For the client only (aud = client_id); this is where profile and email claims go, never in the access token. */
  private idToken(t: IssueTokens, accessToken: string, iat: number): Promise<string> {
    const claims: JWTPayload = {
      iss: this.deps.issuer(),
      sub: t.user.user_id,
      aud: t.clientId,
      azp: t.clientId,
      iat,
      exp: iat + this.ttlS,
      auth_time: t.authTime,
      at_hash: atHash(accessToken),
    };
    if (t.nonce !== null) claims.nonce = t.nonce;
    if (t.scopes.includes('profile')) Object.assign(claims, { name: t.user.name, picture: t.user.picture });
    if (t.scopes.includes('email')) Object.assign(claims, { email: t.user.email, email_verified: false });
    return this.deps.keys.sign(claims, { header: { typ: 'JWT' } });
  }
}
