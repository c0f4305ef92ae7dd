import { randomUUID } from 'node:crypto';
import { newOpaqueToken, tokenDigest } from './opaqueTokens.js';
import type { Scope } from './scopes.js';

/** What a refresh token stands for. The scope is the original grant's, kept across rotations. */
export interface RefreshGrant {
  readonly clientId: string;
  readonly userId: string;
  readonly scopes: readonly Scope[];
  /** Every token descended from one sign-in shares it. */
  readonly familyId: string;
  /** Of the sign-in (epoch s). */
  readonly authTime: number;
}

interface Entry {
  readonly grant: RefreshGrant;
  readonly expiresAt: number;
  used: boolean;
}

export type RefreshUse<T> =
  | { kind: 'ok'; grant: RefreshGrant; checked: T }
  | { kind: 'invalid'; description: string }
  /** An already-rotated token came back: someone holds a copy. The family is revoked. */
  | { kind: 'reused' };

export const REFRESH_TOKEN_LIFETIME_S = 30 * 24 * 3600;
const SWEEP_EVERY = 1000;

/**
 * Rotating refresh tokens with reuse detection (OAuth 2.0 Security BCP §4.14): each use
 * returns a successor and spends the presented token; presenting a spent token revokes the
 * whole family, so a thief and the legitimate app are both signed out and the user signs in again.
 */
export class RefreshTokenStore {
  private readonly entries = new Map<string, Entry>();
  private readonly revokedFamilies = new Set<string>();
  private issued = 0;

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly lifetimeS = REFRESH_TOKEN_LIFETIME_S,
  ) {}

  newFamily(): string {
    return randomUUID();
  }

  issue(grant: RefreshGrant): string {
    if (++this.issued % SWEEP_EVERY === 0) this.sweep();
    const token = newOpaqueToken();
    this.entries.set(tokenDigest(token), { grant, expiresAt: this.clock() + this.lifetimeS * 1000, used: false });
    return token;
  }

  /**
   * Spends `token` if `clientId` may use it; the caller issues the successor. `check` runs
   * on a valid token before it is spent and may throw: a refused request (say, a wider scope)
   * must not burn the token, or the app's next honest refresh would look like reuse. What
   * `check` returns comes back as `checked`.
   */
  use<T>(token: string, clientId: string, check: (grant: RefreshGrant) => T): RefreshUse<T> {
    const entry = this.entries.get(tokenDigest(token));
    if (entry === undefined) return { kind: 'invalid', description: 'Unknown or expired refresh token.' };
    const { grant } = entry;
    if (this.revokedFamilies.has(grant.familyId)) return { kind: 'invalid', description: 'This refresh token has been revoked.' };
    // A token shown by the wrong client is refused but not spent: the rightful client may still use it.
    if (grant.clientId !== clientId) return { kind: 'invalid', description: 'This refresh token was issued to another client.' };
    if (entry.used) {
      this.revokeFamily(grant.familyId);
      return { kind: 'reused' };
    }
    if (this.clock() >= entry.expiresAt) return { kind: 'invalid', description: 'Unknown or expired refresh token.' };
    const checked = check(grant);
    entry.used = true;
    return { kind: 'ok', grant, checked };
  }

  revokeFamily(familyId: string): void {
    this.revokedFamilies.add(familyId);
  }

  private sweep(): void {
    const now = this.clock();
    for (const [key, entry] of this.entries) if (now >= entry.expiresAt) this.entries.delete(key);
  }
}
