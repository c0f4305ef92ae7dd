import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createIdentitySigner } from './createIdentitySigner.js';
import { createIdentityVerifier } from './createIdentityVerifier.js';
import { parseIdentityJwks, parseIdentityPrivateJwk } from './gatewayIdentity.js';
import { generateIdentityKeys, type IdentityKeys } from './generateIdentityKeys.js';
import { IdentityError } from './IdentityError.js';

const viewer = { userId: 'usr_0042', scopes: ['openid', 'profile', 'reviews:write'] };

describe('gateway identity tokens', () => {
  let keys: IdentityKeys;
  let other: IdentityKeys;
  beforeAll(async () => {
    [keys, other] = await Promise.all([generateIdentityKeys(), generateIdentityKeys()]);
  });

  const refusal = async (promise: Promise<unknown>): Promise<string> => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IdentityError);
    return (err as IdentityError).reason;
  };

  it('carries the viewer to the subgraph it is for', async () => {
    const token = await createIdentitySigner({ privateJwk: keys.privateJwk }).sign({ viewer, audience: 'reviews', requestId: 'req-1' });
    await expect(createIdentityVerifier({ jwks: keys.publicJwks, audience: 'reviews' }).verify(token)).resolves.toEqual(viewer);
  });

  it('has the agreed shape: ES256 with a kid; iss, aud, iat, exp = iat + 60 s, jti, rid, sub, scope', async () => {
    const signer = createIdentitySigner({ privateJwk: keys.privateJwk });
    const token = await signer.sign({ viewer, audience: 'catalog', requestId: 'req-2' });
    const header = decodeProtectedHeader(token);
    expect(header).toEqual({ alg: 'ES256', kid: JSON.parse(keys.privateJwk).kid, typ: 'gateway-identity+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: 'mobile-graph-gateway', aud: 'catalog', rid: 'req-2', sub: 'usr_0042', scope: 'openid profile reviews:write' });
    expect(claims.exp! - claims.iat!).toBe(60);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(5);
    const again = decodeJwt(await signer.sign({ viewer, audience: 'catalog', requestId: 'req-2' }));
    expect(again.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(again.jti).not.toBe(claims.jti);
  });

  it('anonymous requests get a token too, with no sub: the verifier says null', async () => {
    const token = await createIdentitySigner({ privateJwk: keys.privateJwk }).sign({ viewer: null, audience: 'catalog', requestId: 'r' });
    expect(decodeJwt(token).sub).toBeUndefined();
    await expect(createIdentityVerifier({ jwks: keys.publicJwks, audience: 'catalog' }).verify(token)).resolves.toBeNull();
  });

  it('refuses a token for another subgraph', async () => {
    const token = await createIdentitySigner({ privateJwk: keys.privateJwk }).sign({ viewer, audience: 'catalog', requestId: 'r' });
    expect(await refusal(createIdentityVerifier({ jwks: keys.publicJwks, audience: 'accounts' }).verify(token))).toMatch(/aud/);
  });

  it('refuses a token signed by another key, even one that claims the right kid', async () => {
    const verifier = createIdentityVerifier({ jwks: keys.publicJwks, audience: 'catalog' });
    const forged = await createIdentitySigner({ privateJwk: other.privateJwk }).sign({ viewer, audience: 'catalog', requestId: 'r' });
    expect(await refusal(verifier.verify(forged))).toBe('signed with an unknown key');
    const sameKid = JSON.stringify({ ...JSON.parse(other.privateJwk), kid: JSON.parse(keys.privateJwk).kid });
    const forgedKid = await createIdentitySigner({ privateJwk: sameKid }).sign({ viewer, audience: 'catalog', requestId: 'r' });
    expect(await refusal(verifier.verify(forgedKid))).toBe('bad signature');
  });

  it('refuses an expired token, and one issued too long ago', async () => {
    const verifier = createIdentityVerifier({ jwks: keys.publicJwks, audience: 'catalog' });
    const old = createIdentitySigner({ privateJwk: keys.privateJwk, now: () => Date.now() - 120_000 });
    expect(await refusal(verifier.verify(await old.sign({ viewer, audience: 'catalog', requestId: 'r' })))).toBe('expired');
    // Within the clock tolerance (5 s) a just-expired token still passes.
    const edge = createIdentitySigner({ privateJwk: keys.privateJwk, now: () => Date.now() - 62_000 });
    await expect(verifier.verify(await edge.sign({ viewer, audience: 'catalog', requestId: 'r' }))).resolves.toEqual(viewer);
  });

  it('refuses anything not signed with ES256: alg none, HS256 keyed with the public key, RS256', async () => {
    const verifier = createIdentityVerifier({ jwks: keys.publicJwks, audience: 'catalog' });
    const kid = JSON.parse(keys.privateJwk).kid as string;
    const claims = { iss: 'mobile-graph-gateway', aud: 'catalog', sub: 'usr_0001', jti: 'x', rid: 'r' };
    const now = Math.floor(Date.now() / 1000);

    const none = new UnsecuredJWT(claims).setIssuedAt(now).setExpirationTime(now + 60).encode();
    expect(await refusal(verifier.verify(none))).toBe('not signed with ES256');

    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'gateway-identity+jwt' })
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(keys.publicJwks));
    expect(await refusal(verifier.verify(hmac))).toBe('not signed with ES256');

    const rsa = await generateKeyPair('RS256');
    const rs = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'gateway-identity+jwt' }).setIssuedAt(now).setExpirationTime(now + 60).sign(rsa.privateKey);
    expect(await refusal(verifier.verify(rs))).toBe('not signed with ES256');
  });

  it('remembers an accepted token only until its end of life', async () => {
    let clock = Date.now();
    const verifier = createIdentityVerifier({ jwks: keys.publicJwks, audience: 'catalog', now: () => clock });
    const token = await createIdentitySigner({ privateJwk: keys.privateJwk, now: () => clock }).sign({ viewer, audience: 'catalog' });
    await expect(verifier.verify(token)).resolves.toEqual(viewer);
    await expect(verifier.verify(token)).resolves.toEqual(viewer);
    clock += 66_000; // past exp (60 s) and the clock tolerance (5 s)
    expect(await refusal(verifier.verify(token))).toBe('expired');
  });

  it('refuses a token of the right key but the wrong type (any other JWT the gateway key might sign)', async () => {
    const verifier = createIdentityVerifier({ jwks: keys.publicJwks, audience: 'catalog' });
    const jwk = parseIdentityPrivateJwk(keys.privateJwk);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'usr_0001', jti: 'x' })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid! })
      .setIssuer('mobile-graph-gateway')
      .setAudience('catalog')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(await importJWK(jwk, 'ES256'));
    expect(await refusal(verifier.verify(token))).toMatch(/typ/);
  });

  it('refuses garbage and tampered tokens', async () => {
    const verifier = createIdentityVerifier({ jwks: keys.publicJwks, audience: 'catalog' });
    expect(await refusal(verifier.verify('garbage'))).toBe('malformed');
    const token = await createIdentitySigner({ privateJwk: keys.privateJwk }).sign({ viewer: null, audience: 'catalog', requestId: 'r' });
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'usr_0001' })).toString('base64url')}.${s}`;
    expect(await refusal(verifier.verify(tampered))).toBe('bad signature');
  });

  it('accepts every key of a JWKS with several (a rotation in progress)', async () => {
    const both = JSON.stringify({ keys: [...JSON.parse(keys.publicJwks).keys, ...JSON.parse(other.publicJwks).keys] });
    const verifier = createIdentityVerifier({ jwks: both, audience: 'catalog' });
    for (const privateJwk of [keys.privateJwk, other.privateJwk]) {
      const token = await createIdentitySigner({ privateJwk }).sign({ viewer, audience: 'catalog', requestId: 'r' });
      await expect(verifier.verify(token)).resolves.toEqual(viewer);
    }
  });

  it('key documents are checked before use', async () => {
    const pub = JSON.parse(keys.publicJwks).keys[0] as Record<string, unknown>;
    const priv = JSON.parse(keys.privateJwk) as Record<string, unknown>;
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as IdentityError).reason;
      }
      return 'accepted';
    };
    expect(reason(() => parseIdentityJwks(keys.publicJwks))).toBe('accepted');
    expect(reason(() => parseIdentityJwks('{'))).toMatch(/not valid JSON/);
    expect(reason(() => parseIdentityJwks('{"keys":[]}'))).toMatch(/no keys/);
    expect(reason(() => parseIdentityJwks(JSON.stringify({ keys: [priv] })))).toMatch(/private key material/);
    expect(reason(() => parseIdentityJwks(JSON.stringify({ keys: [pub, pub] })))).toMatch(/repeats kid/);
    expect(reason(() => parseIdentityJwks(JSON.stringify({ keys: [{ ...pub, kid: undefined }] })))).toMatch(/no "kid"/);
    const rsa = await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey);
    expect(reason(() => parseIdentityJwks(JSON.stringify({ keys: [{ ...rsa, kid: 'r' }] })))).toMatch(/not an EC P-256 key/);
    expect(reason(() => parseIdentityPrivateJwk(keys.privateJwk))).toBe('accepted');
    expect(reason(() => parseIdentityPrivateJwk(JSON.stringify(pub)))).toMatch(/no "d"/);
    expect(reason(() => parseIdentityPrivateJwk(JSON.stringify({ ...priv, alg: 'ES384' })))).toMatch(/not ES256/);
  });
});
