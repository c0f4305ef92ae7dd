/** A user's public profile as this subgraph serves it. The email is kept for its owner only. */
export interface UserProfile {
  readonly id: string;
  readonly displayName: string;
  readonly avatarUrl: string | null;
  readonly email: string;
}

/** The identity provider's tokens for one signed-in user (what `AuthPayload` carries). */
export interface Session {
  /** The access token's `sub`. */
  readonly userId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: string;
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  /** Granted scopes, space-separated. */
  readonly scope: string;
}

export interface AuthPayload extends Omit<Session, 'userId'> {
  readonly user: UserProfile;
}
