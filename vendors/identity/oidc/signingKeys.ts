import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export const SIGNING_ALG = 'RS256';

export type SigningKeyState = 'active' | 'retiring';

/** A key as published in the JWKS: public members only, picked one by one. */
export interface PublicSigningJwk {
  kty: string;
  n: string;
  e: string;
  kid: string;
  alg: typeof SIGNING_ALG;
  use: 'sig';
}

interface SigningKey {
  readonly kid: string;
  /** Not extractable: the private half never leaves this object, not even in tests. */
  readonly privateKey: CryptoKey;
  readonly publicJwk: PublicSigningJwk;
  readonly createdAt: string;
  state: SigningKeyState;
}

async function newKey(clock: () => number): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { modulusLength: 2048 });
  const jwk = await exportJWK(publicKey);
  if (jwk.kty === undefined || jwk.n === undefined || jwk.e === undefined) throw new Error('RSA public JWK without kty, n or e');
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return {
    kid,
    privateKey,
    publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e, kid, alg: SIGNING_ALG, use: 'sig' },
    createdAt: new Date(clock()).toISOString(),
    state: 'active',
  };
}

/**
 * The issuer's signing keys: one active key signs, retiring keys stay in the JWKS so that
 * tokens they signed keep verifying until they expire, then `retire()` drops them. The kid
 * is the key's RFC 7638 thumbprint.
 */
export class SigningKeyRing {
  private keys: SigningKey[];

  private constructor(
    first: SigningKey,
    private readonly clock: () => number,
  ) {
    this.keys = [first];
  }

  static async create(clock: () => number = Date.now): Promise<SigningKeyRing> {
    return new SigningKeyRing(await newKey(clock), clock);
  }

  activeKid(): string {
    return this.active().kid;
  }

  /** A new active key; every earlier one becomes (or stays) retiring. */
  async rotate(): Promise<{ activeKid: string; retiringKids: string[] }> {
    const key = await newKey(this.clock);
    for (const k of this.keys) k.state = 'retiring';
    this.keys.push(key);
    return { activeKid: key.kid, retiringKids: this.keys.filter((k) => k.state === 'retiring').map((k) => k.kid) };
  }

  /** Drops every non-active key: tokens they signed stop verifying. */
  retire(): { removedKids: string[] } {
    const removed = this.keys.filter((k) => k.state !== 'active');
    this.keys = this.keys.filter((k) => k.state === 'active');
    return { removedKids: removed.map((k) => k.kid) };
  }

  /** Kids and states, oldest first; no key material. */
  list(): Array<{ kid: string; state: SigningKeyState; alg: typeof SIGNING_ALG; createdAt: string }> {
    return this.keys.map((k) => ({ kid: k.kid, state: k.state, alg: SIGNING_ALG, createdAt: k.createdAt }));
  }

  jwks(): { keys: PublicSigningJwk[] } {
    return { keys: this.keys.map((k) => ({ ...k.publicJwk })) };
  }

  /**
   * Signs `payload` with the active key (or the published key `kid`). `header` is merged
   * over `{ kid }` so tests can forge odd headers (a `kid` that names no key, a `typ`), but
   * `alg` is always RS256: the signature is.
   */
  async sign(payload: JWTPayload, options: { kid?: string; header?: Record<string, unknown> } = {}): Promise<string> {
    const key = options.kid === undefined ? this.active() : this.keys.find((k) => k.kid === options.kid);
    if (key === undefined) throw new Error(`no signing key with kid ${JSON.stringify(options.kid)} (known: ${this.keys.map((k) => k.kid).join(', ')})`);
    return new SignJWT(payload).setProtectedHeader({ kid: key.kid, ...options.header, alg: SIGNING_ALG }).sign(key.privateKey);
  }

  private active(): SigningKey {
    const key = this.keys.find((k) => k.state === 'active');
    if (key === undefined) throw new Error('no active signing key');
    return key;
  }
}
