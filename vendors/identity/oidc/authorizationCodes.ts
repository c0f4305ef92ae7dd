import { newOpaqueToken, tokenDigest } from './opaqueTokens.js';
import type { Scope } from './scopes.js';

/** What a code was issued for; the token request must match it. */
export interface AuthorizationGrant {
  readonly clientId: string;
  readonly redirectUri: string;
  /** S256 challenge; null when the client did not use PKCE (only allowed for confidential clients). */
  readonly codeChallenge: string | null;
  readonly scopes: readonly Scope[];
  readonly userId: string;
  readonly nonce: string | null;
  /** When the user signed in (epoch s), for the ID token's auth_time. */
  readonly authTime: number;
}

interface Entry {
  readonly grant: AuthorizationGrant;
  readonly expiresAt: number;
  redeemed: boolean;
  /** The refresh-token family its tokens started, revoked if the code is replayed. */
  familyId: string | null;
}

export type Redemption =
  | { kind: 'ok'; grant: AuthorizationGrant; bindFamily(familyId: string): void }
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'replayed'; familyId: string | null };

export const CODE_LIFETIME_S = 60;
/** Redeemed codes are remembered this long after expiry, so a late replay is still caught. */
const REPLAY_MEMORY_MS = 10 * 60_000;

/** Single-use authorization codes (RFC 6749 §4.1.2): short-lived, bound to what they were issued for. */
export class AuthorizationCodeStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly lifetimeS = CODE_LIFETIME_S,
  ) {}

  issue(grant: AuthorizationGrant): string {
    this.sweep();
    const code = newOpaqueToken();
    this.entries.set(tokenDigest(code), { grant, expiresAt: this.clock() + this.lifetimeS * 1000, redeemed: false, familyId: null });
    return code;
  }

  /** Uses the code up, whatever the outcome of the token request: a code is presented once. */
  redeem(code: string): Redemption {
    const entry = this.entries.get(tokenDigest(code));
    if (entry === undefined) return { kind: 'unknown' };
    if (entry.redeemed) return { kind: 'replayed', familyId: entry.familyId };
    entry.redeemed = true;
    if (this.clock() >= entry.expiresAt) return { kind: 'expired' };
    return {
      kind: 'ok',
      grant: entry.grant,
      bindFamily: (familyId) => {
        entry.familyId = familyId;
      },
    };
  }

  private sweep(): void {
    const now = this.clock();
    for (const [key, entry] of this.entries) if (now >= entry.expiresAt + REPLAY_MEMORY_MS) this.entries.delete(key);
  }
}
