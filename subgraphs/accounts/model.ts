/** A user's public profile as this subgraph serves it. The email is kept for its owner only. */
export interface UserProfile {
  readonly id: string;
  readonly displayName: string;
  readonly avatarUrl: string | null;
  readonly email: string;
}
