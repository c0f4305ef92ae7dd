import { randomBytes } from 'node:crypto';

export interface AccessGrant {
  readonly clientEmail: string;
  readonly project: string;
  readonly scopes: readonly string[];
  /** Epoch ms. */
  readonly expiresAt: number;
}

export type TokenLookup = { kind: 'valid'; grant: AccessGrant } | { kind: 'expired' } | { kind: 'unknown' };

/** Past this many live tokens, expired ones are swept on the next issue. */
const SWEEP_AT = 10_000;

/** Opaque OAuth 2 access tokens (`ya29.…`, as Google's look), held by this vendor instance only. */
export class AccessTokens {
  private readonly grants = new Map<string, AccessGrant>();

  constructor(
    private readonly clock: () => number,
    private ttlS: number,
  ) {
    this.setTtl(ttlS);
  }

  get lifetimeS(): number {
    return this.ttlS;
  }

  setTtl(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) throw new TypeError(`fcm: tokenTtlS must be an integer from 1 to 3600, got ${seconds}`);
    this.ttlS = seconds;
  }

  issue(grant: Omit<AccessGrant, 'expiresAt'>): { token: string; expiresInS: number } {
    const now = this.clock();
    if (this.grants.size >= SWEEP_AT) for (const [token, g] of this.grants) if (g.expiresAt <= now) this.grants.delete(token);
    const token = `ya29.${randomBytes(48).toString('base64url')}`;
    this.grants.set(token, { ...grant, expiresAt: now + this.ttlS * 1000 });
    return { token, expiresInS: this.ttlS };
  }

  lookup(token: string): TokenLookup {
    const grant = this.grants.get(token);
    if (grant === undefined) return { kind: 'unknown' };
    return grant.expiresAt <= this.clock() ? { kind: 'expired' } : { kind: 'valid', grant };
  }
}
