import { randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { startHttpServer, type RunningHttpServer } from '../../../platform/http/startHttpServer.js';

type Alg = 'RS256' | 'ES256';

interface IssuerKey {
  readonly kid: string;
  readonly alg: Alg;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

export interface LocalIssuer {
  /** `iss` of its tokens (its origin). */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** GETs of the JWKS so far. */
  jwksRequests(): number;
  /** Adds a signing key to the JWKS (a rotation) and makes it the default for `sign`; returns its kid. */
  addKey(alg?: Alg): Promise<string>;
  /** Takes a key out of the JWKS (it can still sign: tokens the gateway must now refuse). */
  retireKey(kid: string): void;
  /** An access token: iss, aud mobile-graph, sub, scope, iat, exp in 5 min, unless `claims` say otherwise (undefined removes a claim). */
  sign(claims?: Record<string, unknown>, options?: { kid?: string }): Promise<string>;
  /** The public key of `kid` as PEM, the classic HMAC-confusion secret. */
  publicPem(kid: string): Promise<string>;
  publicJwk(kid: string): JWK;
  /** How the JWKS endpoint answers. */
  setJwksMode(mode: 'ok' | 'error' | 'hang'): void;
  close(): Promise<void>;
}

/** A tiny OIDC-issuer stand-in on 127.0.0.1 port 0 that serves a JWKS we control, and counts its fetches. */
export async function startLocalIssuer(): Promise<LocalIssuer> {
  const keys: IssuerKey[] = [];
  const published = new Set<string>();
  let current: string | undefined;
  let requests = 0;
  let mode: 'ok' | 'error' | 'hang' = 'ok';

  const http: RunningHttpServer = await startHttpServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.statusCode = 404;
      res.end();
      return;
    }
    requests += 1;
    if (mode === 'hang') return; // never answers (closed with the server)
    if (mode === 'error') {
      res.statusCode = 500;
      res.end('oops');
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: keys.filter((k) => published.has(k.kid)).map((k) => k.publicJwk) }));
  }, { host: '127.0.0.1', port: 0 });

  const issuer = http.origin;
  const find = (kid: string) => {
    const key = keys.find((k) => k.kid === kid);
    if (!key) throw new Error(`no key ${kid}`);
    return key;
  };

  const local: LocalIssuer = {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    jwksRequests: () => requests,
    async addKey(alg = 'RS256') {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
      const kid = `${alg}-${randomUUID().slice(0, 8)}`;
      keys.push({ kid, alg, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } });
      published.add(kid);
      current = kid;
      return kid;
    },
    retireKey(kid) {
      published.delete(kid);
    },
    async sign(claims = {}, options = {}) {
      const key = find(options.kid ?? current ?? '');
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        iss: issuer,
        aud: 'mobile-graph',
        sub: 'usr_0042',
        scope: 'openid profile reviews:write',
        iat: now,
        exp: now + 300,
        client_id: 'mobile-app',
        ...claims,
      };
      for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
      return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' }).sign(key.privateKey);
    },
    async publicPem(kid) {
      return exportSPKI(find(kid).publicKey);
    },
    publicJwk: (kid) => find(kid).publicJwk,
    setJwksMode(next) {
      mode = next;
    },
    close: () => http.close(0),
  };
  await local.addKey('RS256');
  return local;
}
